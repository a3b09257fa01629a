// Rewind to a message through the real server: three runs of one conversation change files; the
// conversation is rewound to the first answer with src/chat/rewind.ts (what the chat panel uses),
// and the files the later runs changed come back byte for byte through their checkpoint journals
// (swarm/reject, newest run first). Bytes that are easy to mangle on the way: CRLF, a BOM,
// non-UTF-8, no final newline.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcceptRequest, RejectRequest } from '../../server/protocol';
import { planRewind, rollBackRuns, truncate } from '../../src/chat/rewind';
import type { Conversation } from '../../webview/messages';
import { perConversation, script, type Turn } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

const call = (name: string, args: Record<string, unknown>): Turn => ({ toolCalls: [{ name, arguments: args }] });

describe('protocol: rewind a conversation to a message', function () {
  this.timeout(60_000);
  usePrivateJournalDir();
  const ctx = useSimServer();
  const file = (p: string) => join(ctx.ws.path, p);

  beforeEach(() => {
    writeFileSync(file('a.txt'), Buffer.from('\ufeffline one\r\nline two\r\n', 'utf8'));
    writeFileSync(file('latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café\n" in Latin-1
    writeFileSync(file('keep.txt'), 'no final newline');
  });

  async function threeRuns(): Promise<{ conv: Conversation; afterFirst: Map<string, Buffer | undefined> }> {
    // Each run's task is its conversation key: each gets its own script.
    const { server } = await ctx.start({
      respond: perConversation((task) => {
        if (task.startsWith('one')) return script([call('read_file', { path: 'a.txt' }), call('edit_file', { path: 'a.txt', old_string: 'line one', new_string: 'LINE ONE' }), { text: 'one done' }]);
        if (task.startsWith('two'))
          return script([
            call('read_file', { path: 'a.txt' }),
            call('edit_file', { path: 'a.txt', old_string: 'line two', new_string: 'line 2' }),
            call('write_file', { path: 'new/b.txt', content: 'created by run two\n' }),
            { text: 'two done' },
          ]);
        return script([call('read_file', { path: 'latin1.txt' }), call('delete_file', { path: 'latin1.txt' }), call('read_file', { path: 'keep.txt' }), call('write_file', { path: 'keep.txt', content: 'rewritten' }), { text: 'three done' }]);
      }),
    }, { approval: 'always' });
    const conv: Conversation = { id: 'c', title: 'one', updatedAt: 0, messages: [], runs: [] };
    let afterFirst = new Map<string, Buffer | undefined>();
    for (const [i, task] of ['one: edit a', 'two: edit a, add b', 'three: delete latin1, rewrite keep'].entries()) {
      const runId = `rw-${i + 1}`;
      conv.messages.push({ role: 'user', text: task });
      conv.runs.push({ runId, events: [] });
      const r = await server.run({ runId, task });
      assert.equal(r.status, 'done', r.error);
      assert.ok(server.events.get(runId)?.every((e) => e.type !== 'tool_output' || e.ok), `every tool call of ${task} worked`);
      conv.messages.push({ role: 'assistant', text: r.text });
      if (i === 0) afterFirst = snapshot();
    }
    return { conv, afterFirst };
  }

  const snapshot = () => new Map(['a.txt', 'latin1.txt', 'keep.txt', 'new/b.txt'].map((p) => [p, existsSync(file(p)) ? readFileSync(file(p)) : undefined]));

  it('to the first answer: the later runs are undone, every file byte-exact as after that answer', async () => {
    const { conv, afterFirst } = await threeRuns();
    assert.equal(readFileSync(file('a.txt'), 'utf8'), '\ufeffLINE ONE\r\nline 2\r\n');
    assert.equal(existsSync(file('latin1.txt')), false);
    const plan = planRewind(conv, 1);
    assert.deepEqual(plan, { keep: 2, runIds: ['rw-3', 'rw-2'] });
    const report = await rollBackRuns(plan.runIds, (runId) => ctx.server.connection.sendRequest(RejectRequest, { runId }));
    truncate(conv, plan);
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.skipped, []);
    assert.deepEqual([...report.restored].sort(), ['a.txt', 'keep.txt', 'latin1.txt']);
    assert.deepEqual(report.removed, ['new/b.txt']);
    const now = snapshot();
    for (const [p, bytes] of afterFirst) assert.deepEqual(now.get(p), bytes, `${p} is as after the first answer`);
    assert.equal(existsSync(file('new')), false, 'the folder run two created is gone');
    assert.deepEqual(conv.messages.map((m) => m.text), ['one: edit a', 'one done']);
    assert.deepEqual(conv.runs.map((r) => r.runId), ['rw-1']);
  });

  it('to the first user message: every run is undone; an accepted run has nothing left to undo and is reported', async () => {
    const { conv } = await threeRuns();
    const original = readFileSync(file('keep.txt'));
    await ctx.server.connection.sendRequest(AcceptRequest, { runId: 'rw-3' });
    const plan = planRewind(conv, 0);
    assert.equal(plan.draft, 'one: edit a');
    const report = await rollBackRuns(plan.runIds, (runId) => ctx.server.connection.sendRequest(RejectRequest, { runId }));
    assert.deepEqual(report.nothing, ['rw-3']);
    assert.deepEqual(report.failed, []);
    // Runs one and two are undone: a.txt is back to its first bytes (BOM, CRLF), b.txt gone; run three's accepted changes stay.
    assert.ok(readFileSync(file('a.txt')).equals(Buffer.from('\ufeffline one\r\nline two\r\n', 'utf8')));
    assert.equal(existsSync(file('new/b.txt')), false);
    assert.equal(existsSync(file('latin1.txt')), false);
    assert.ok(readFileSync(file('keep.txt')).equals(original));
  });
});
