import assert from 'node:assert/strict';
import type { ChatMessage } from '../../../server/model/types';
import { compactToolOutputs, estimateMessageTokens } from '../../../server/agent/elide-outputs';

function conversation(turns: number, outputChars: number): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'system prompt' },
    { role: 'user', content: 'the task' },
  ];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'assistant', content: '', toolCalls: [{ id: `c${i}`, name: 'read_file', arguments: `{"path":"f${i}"}` }] });
    messages.push({ role: 'tool', toolCallId: `c${i}`, name: 'read_file', content: `file ${i}\n`.padEnd(outputChars, 'x') });
  }
  return messages;
}

describe('agent/elide-outputs (the pre-summary strategy, kept as the bench baseline)', () => {
  it('leaves a conversation that fits alone', () => {
    const m = conversation(5, 400);
    const before = JSON.stringify(m);
    assert.equal(compactToolOutputs(m, 10_000), 0);
    assert.equal(JSON.stringify(m), before);
  });

  it('elides the oldest tool outputs until it fits, keeping the newest and every call', () => {
    const m = conversation(20, 4000); // ≈ 20k tokens
    const budget = 12_000;
    const elided = compactToolOutputs(m, budget, 6);
    assert.ok(elided > 0);
    assert.ok(estimateMessageTokens(m) <= budget);
    const tools = m.filter((x) => x.role === 'tool') as Extract<ChatMessage, { role: 'tool' }>[];
    // Oldest first: the elided ones are a prefix of the tool messages.
    tools.forEach((t, i) => assert.equal(String(t.content).startsWith('[output of an earlier call elided'), i < elided, `tool ${i}`));
    assert.ok(tools.slice(-6).every((t) => String(t.content).startsWith('file ')));
    assert.equal(m.filter((x) => x.role === 'assistant').length, 20, 'calls are kept');
    assert.equal(m[1].content, 'the task');
  });

  it('never elides the newest outputs, even over budget', () => {
    const m = conversation(4, 40_000);
    assert.equal(compactToolOutputs(m, 1_000, 6), 0);
    assert.ok((m.filter((x) => x.role === 'tool') as { content: string }[]).every((t) => t.content.startsWith('file ')));
  });

  it('does not elide the same output twice', () => {
    const m = conversation(20, 4000);
    const first = compactToolOutputs(m, 12_000, 6);
    m.push({ role: 'assistant', content: 'x'.repeat(40_000) });
    const second = compactToolOutputs(m, 12_000, 6);
    assert.ok(second > 0);
    const elidedNow = m.filter((x) => x.role === 'tool' && String(x.content).startsWith('[output')).length;
    assert.equal(elidedNow, first + second);
  });
});
