import assert from 'node:assert/strict';
import type { SwarmEvent } from '../../../../server/protocol';
import { emptyResult, recordAnswer, recordTurn, withRunState } from '../../../../src/chat/runs';
import { appendEvent, ConversationStore, MAX_CONVERSATIONS, newConversation, titleFor, type MementoLike } from '../../../../src/chat/store';

/** A Memento that round-trips through JSON like VS Code's storage does. */
function memento(): MementoLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: <T>(key: string) => (data.has(key) ? (JSON.parse(data.get(key)!) as T) : undefined),
    update: async (key: string, value: unknown) => {
      if (value === undefined) data.delete(key);
      else data.set(key, JSON.stringify(value));
    },
  };
}

describe('src/chat/store', () => {
  it('merges consecutive deltas of one agent and keeps other events apart', () => {
    const events: SwarmEvent[] = [];
    appendEvent(events, { type: 'reasoning_delta', agentId: 'a', text: 'thi' });
    appendEvent(events, { type: 'reasoning_delta', agentId: 'a', text: 'nk' });
    appendEvent(events, { type: 'text_delta', agentId: 'a', text: 'Hel' });
    appendEvent(events, { type: 'text_delta', agentId: 'b', text: 'other' });
    appendEvent(events, { type: 'text_delta', agentId: 'a', text: 'lo' });
    appendEvent(events, { type: 'tool_called', agentId: 'a', callId: 'c1', name: 'read_file', args: { path: 'x' } });
    appendEvent(events, { type: 'text_delta', agentId: 'a', text: '!' });
    assert.deepEqual(
      events.map((e) => [e.type, e.agentId, 'text' in e ? e.text : '']),
      [
        ['reasoning_delta', 'a', 'think'],
        ['text_delta', 'a', 'Hel'],
        ['text_delta', 'b', 'other'],
        ['text_delta', 'a', 'lo'],
        ['tool_called', 'a', ''],
        ['text_delta', 'a', '!'],
      ],
    );
  });

  it('saves, lists newest first, reopens, and does not store empty conversations', async () => {
    const store = new ConversationStore(memento());
    const empty = newConversation('empty', 1);
    await store.save(empty);
    assert.deepEqual(store.list(), []);

    const a = newConversation('a', 10);
    a.title = titleFor('Fix the failing test\nand more');
    a.messages.push({ role: 'user', text: 'Fix the failing test' }, { role: 'assistant', text: 'Done.' });
    a.runs.push({ runId: 'r1', events: [{ type: 'text_delta', agentId: 'root', text: 'Done.' }] });
    await store.save(a);
    const b = { ...newConversation('b', 20), title: 'b', messages: [{ role: 'user' as const, text: 'hi' }] };
    await store.save(b);
    assert.deepEqual(store.list().map((c) => c.id), ['b', 'a']);
    assert.equal(store.list()[1]!.title, 'Fix the failing test');
    assert.deepEqual(store.get('a'), a);

    a.updatedAt = 30;
    await store.save(a);
    assert.deepEqual(store.list().map((c) => c.id), ['a', 'b'], 'a re-saved conversation moves to the top once');
    await store.setCurrent('b');
    assert.equal(store.currentId(), 'b');
  });

  it(`keeps at most ${MAX_CONVERSATIONS} conversations, dropping the oldest`, async () => {
    const m = memento();
    const store = new ConversationStore(m);
    for (let i = 0; i < MAX_CONVERSATIONS + 3; i++) {
      await store.save({ ...newConversation(`c${i}`, i), messages: [{ role: 'user', text: `m${i}` }] });
    }
    const ids = store.list().map((c) => c.id);
    assert.equal(ids.length, MAX_CONVERSATIONS);
    assert.equal(ids[0], `c${MAX_CONVERSATIONS + 2}`);
    for (const gone of ['c0', 'c1', 'c2']) {
      assert.equal(store.get(gone), undefined);
      assert.equal(ids.includes(gone), false);
    }
    assert.ok(store.get('c3'));
  });

  it('titles from the first line, shortened', () => {
    assert.equal(titleFor('  '), 'New chat');
    assert.equal(titleFor('x'.repeat(100)).length, 58);
  });

  it('keeps every conversation and its last run state when conversations save at once (concurrent runs)', async () => {
    // VS Code's Memento.update is asynchronous: two saves that interleave read and write the index.
    const m = memento();
    const slow: MementoLike = { get: m.get, update: (k, v) => new Promise((r) => setImmediate(() => void m.update(k, v).then(r))) };
    const store = new ConversationStore(slow);
    const a = { ...newConversation('a', 1), title: 'A', messages: [{ role: 'user' as const, text: 'x' }], status: 'running' as const };
    const b = { ...newConversation('b', 2), title: 'B', messages: [{ role: 'user' as const, text: 'y' }], status: 'running' as const };
    await Promise.all([store.save(a), store.save(b), store.save({ ...b, status: 'done', updatedAt: 3 }), store.save({ ...a, status: 'failed', updatedAt: 4 })]);
    assert.deepEqual(store.list().map((c) => [c.id, c.status]), [['a', 'failed'], ['b', 'done']]);
  });

  it('lists a conversation as running only while its run goes on here; one saved mid-run by a closed window shows stopped', () => {
    const list = [
      { id: 'a', title: 'A', updatedAt: 3, status: 'running' as const },
      { id: 'b', title: 'B', updatedAt: 2, status: 'running' as const },
      { id: 'c', title: 'C', updatedAt: 1, status: 'failed' as const },
      { id: 'd', title: 'D', updatedAt: 0 },
    ];
    assert.deepEqual(withRunState(list, (id) => id === 'a' || id === 'd').map((c) => c.status), ['running', 'stopped', 'failed', 'running']);
  });

  it('records a turn: the user message, the run, the title from the first message only; then the answer and how it ended', () => {
    const c = newConversation('t', 1);
    const events = recordTurn(c, 'r1', 'Fix the parser\nand more', []);
    assert.equal(c.title, titleFor('Fix the parser\nand more'));
    assert.equal(c.status, 'running');
    assert.deepEqual(c.runs, [{ runId: 'r1', events }]);
    recordAnswer(c, { ...emptyResult('r1', 'failed', 'no key'), text: 'partial' });
    assert.equal(c.status, 'failed');
    recordTurn(c, 'r2', 'again', [{ mimeType: 'image/png', data: 'AA==' }], 'ignored: not the first run');
    assert.equal(c.title, titleFor('Fix the parser\nand more'));
    assert.deepEqual(c.messages.map((m) => [m.role, m.text, m.images?.length ?? 0]), [['user', 'Fix the parser\nand more', 0], ['assistant', 'partial', 0], ['user', 'again', 1]]);
  });
});
