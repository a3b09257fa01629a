// Tool results in call order, and delete_file / move_file, end to end: the spawned server, the
// HTTP model simulator, real files and journals. Reference: OpenAI Chat Completions — parallel
// `tool_calls` of one assistant message are answered by one `tool` message each, matched by
// `tool_call_id` (https://platform.openai.com/docs/guides/function-calling); the model reads them
// as the outcome of its calls in the order it gave, so a read after an edit must see the edit.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RejectRequest } from '../../server/protocol';
import { contentText, script } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('protocol: tool results in call order; delete_file and move_file', function () {
  this.timeout(40_000);
  const ctx = useSimServer();
  usePrivateJournalDir();
  beforeEach(() => {
    writeFileSync(join(ctx.ws.path, 'README.md'), '# Old title\n\nbody\n');
    writeFileSync(join(ctx.ws.path, 'page.html'), '<h1>old page</h1>\n');
  });

  /** The tool messages the model got back for its turn `turn` (answers in request turn + 1). */
  function results(turn: number): string[] {
    const msgs = ctx.sim.requests[turn + 1].body.messages;
    const calls = msgs.filter((m) => m.role === 'assistant' && m.tool_calls).at(-1)!.tool_calls!;
    return calls.map((c) => contentText(msgs.find((m) => m.role === 'tool' && m.tool_call_id === c.id)!.content));
  }

  it('a read after an edit of the same path in one turn sees the edit; a read before a write sees the old text', async () => {
    const { server } = await ctx.start({
      respond: script([
        { toolCalls: [{ name: 'read_file', arguments: { path: 'README.md' } }, { name: 'read_file', arguments: { path: 'page.html' } }] },
        {
          toolCalls: [
            { name: 'edit_file', arguments: { path: 'README.md', old_string: '# Old title', new_string: '# New title' } },
            { name: 'read_file', arguments: { path: 'README.md' } },
            { name: 'read_file', arguments: { path: 'page.html' } },
            { name: 'write_file', arguments: { path: 'page.html', content: '<h1>new page</h1>\n' } },
            { name: 'grep', arguments: { pattern: 'new page', output: 'lines' } },
          ],
        },
        { text: 'done' },
      ]),
    }, { model: 'kimi-k2.5', approval: 'always', swarm: false });
    const r = await server.run({ runId: 'order-1', task: 'edit then read' });
    assert.equal(r.status, 'done', r.error);
    const [edit, readme, pageBefore, write, grep] = results(1);
    assert.match(edit, /Edited README.md/);
    assert.match(readme, /# New title/, 'the read after the edit sees it');
    assert.match(pageBefore, /old page/, 'the read before the write sees the old text');
    assert.match(write, /Overwrote page.html/);
    assert.match(grep, /page.html:1:<h1>new page<\/h1>/, 'a workspace-wide read after a write sees it');
  });

  it('move_file and delete_file are journaled: reject restores bytes and mode', async () => {
    writeFileSync(join(ctx.ws.path, 'tool.sh'), '#!/bin/sh\necho 1\n');
    chmodSync(join(ctx.ws.path, 'tool.sh'), 0o755);
    const { sim, server } = await ctx.start({
      respond: script([
        { toolCalls: [{ name: 'read_file', arguments: { path: 'README.md' } }] },
        { toolCalls: [{ name: 'move_file', arguments: { from: 'tool.sh', to: 'bin/tool.sh' } }, { name: 'delete_file', arguments: { path: 'README.md' } }, { name: 'read_file', arguments: { path: 'bin/tool.sh' } }] },
        { text: 'done' },
      ]),
    }, { model: 'kimi-k2.5', approval: 'always', swarm: false });
    const r = await server.run({ runId: 'ops-1', task: 'move and delete' });
    assert.equal(r.status, 'done', r.error);
    const names = (sim.requests[0].body.tools ?? []).map((t) => t.function.name);
    assert.ok(names.includes('delete_file') && names.includes('move_file'), names.join(','));
    const [moved, deleted, read] = results(1);
    assert.match(moved, /Moved tool.sh to bin\/tool.sh/);
    assert.match(deleted, /Deleted README.md/);
    assert.match(read, /echo 1/);
    assert.ok(!existsSync(join(ctx.ws.path, 'README.md')) && !existsSync(join(ctx.ws.path, 'tool.sh')));
    const rej = await server.connection.sendRequest(RejectRequest, { runId: 'ops-1' });
    assert.deepEqual(rej.skipped, []);
    assert.equal(readFileSync(join(ctx.ws.path, 'README.md'), 'utf8'), '# Old title\n\nbody\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'tool.sh'), 'utf8'), '#!/bin/sh\necho 1\n');
    assert.equal(statSync(join(ctx.ws.path, 'tool.sh')).mode & 0o777, 0o755);
    assert.ok(!existsSync(join(ctx.ws.path, 'bin')));
  });
});
