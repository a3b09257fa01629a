// The extension's side of history: the store's search and delete, and rewind's plan and cut.
import assert from 'node:assert/strict';
import { appendEvent, ConversationStore, newConversation, type MementoLike } from '../../../../src/chat/store';
import type { SwarmEvent } from '../../../../server/protocol';
import { planRewind, RewindError, truncate } from '../../../../src/chat/rewind';
import type { Conversation } from '../../../../webview/messages';

function memento(): MementoLike {
  const data = new Map<string, string>();
  return {
    get: <T>(key: string) => (data.has(key) ? (JSON.parse(data.get(key)!) as T) : undefined),
    update: async (key: string, value: unknown) => void (value === undefined ? data.delete(key) : data.set(key, JSON.stringify(value))),
  };
}

function conv(id: string, title: string, texts: string[], at: number): Conversation {
  const c = newConversation(id, at);
  c.title = title;
  texts.forEach((text, i) => c.messages.push({ role: i % 2 ? 'assistant' : 'user', text }));
  c.runs = texts.filter((_, i) => i % 2 === 0).map((_, i) => ({ runId: `${id}-r${i}`, events: [] }));
  return c;
}

describe('src/chat history: search, delete, rewind', () => {
  it('searches titles and message text, every word, case-insensitive, newest first', async () => {
    const store = new ConversationStore(memento());
    await store.save(conv('a', 'Fix the parser', ['the tokenizer drops CRLF', 'fixed'], 1));
    await store.save(conv('b', 'Docs', ['write the README for the Parser', 'done'], 2));
    await store.save(conv('c', 'Other', ['nothing here'], 3));
    assert.deepEqual(store.search('parser').map((c) => c.id), ['b', 'a']);
    assert.deepEqual(store.search('  CRLF   tokenizer ').map((c) => c.id), ['a']);
    assert.deepEqual(store.search('parser readme').map((c) => c.id), ['b']);
    assert.deepEqual(store.search('').map((c) => c.id), ['c', 'b', 'a']);
    assert.deepEqual(store.search('.*').map((c) => c.id), [], 'the query is text, not a pattern');
  });

  it('deletes a conversation, its index entry and the current pointer; unknown ids are a no-op', async () => {
    const store = new ConversationStore(memento());
    await store.save(conv('a', 'A', ['x', 'y'], 1));
    await store.save(conv('b', 'B', ['x', 'y'], 2));
    await store.setCurrent('a');
    assert.equal(await store.delete('a'), true);
    assert.equal(store.get('a'), undefined);
    assert.deepEqual(store.list().map((c) => c.id), ['b']);
    assert.equal(store.currentId(), undefined);
    assert.equal(await store.delete('nope'), false);
    assert.deepEqual(store.list().map((c) => c.id), ['b']);
  });

  it('keeps only the latest run_usage of a run (a running total), in place', () => {
    const events: SwarmEvent[] = [];
    const usage = (n: number): SwarmEvent => ({ type: 'run_usage', agentId: 'main', tokens: { input: n, cachedInput: 0, output: 1 } });
    appendEvent(events, usage(1));
    appendEvent(events, { type: 'text_delta', agentId: 'main', text: 'a' });
    appendEvent(events, usage(2));
    appendEvent(events, { type: 'text_delta', agentId: 'main', text: 'b' });
    appendEvent(events, usage(3));
    assert.deepEqual(events.map((e) => e.type), ['run_usage', 'text_delta']);
    assert.deepEqual(events[0], usage(3));
    assert.equal(events[1].type === 'text_delta' && events[1].text, 'ab');
  });

  it('plans a rewind: to an answer keeps it; to a user message drops it and returns its text; runs newest first', () => {
    const c = conv('a', 'A', ['u0', 'a0', 'u1', 'a1', 'u2', 'a2'], 1);
    assert.deepEqual(planRewind(c, 1), { keep: 2, runIds: ['a-r2', 'a-r1'] });
    assert.deepEqual(planRewind(c, 2), { keep: 2, runIds: ['a-r2', 'a-r1'], draft: 'u1' });
    assert.deepEqual(planRewind(c, 0), { keep: 0, runIds: ['a-r2', 'a-r1', 'a-r0'], draft: 'u0' });
    assert.deepEqual(planRewind(c, 5), { keep: 6, runIds: [] });
    for (const bad of [-1, 6, 1.5, Number.NaN]) assert.throws(() => planRewind(c, bad), RewindError);
    truncate(c, planRewind(c, 3));
    assert.deepEqual(c.messages.map((m) => m.text), ['u0', 'a0', 'u1', 'a1']);
    assert.deepEqual(c.runs.map((r) => r.runId), ['a-r0', 'a-r1']);
  });
});
