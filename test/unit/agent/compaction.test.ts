import assert from 'node:assert/strict';
import { applyCompaction, digestOf, isSummary, planCompaction, SUMMARY_PREFIX } from '../../../server/agent/compaction';
import { ContextSize, estimateMessages, estimateTextTokens } from '../../../server/agent/context-size';
import type { ChatMessage } from '../../../server/model/types';

/** system + task, then `steps` steps of one call and one tool result of `outChars` characters. */
function conversation(steps: number, outChars = 4000): ChatMessage[] {
  const m: ChatMessage[] = [
    { role: 'system', content: 'You are an agent.' },
    { role: 'user', content: 'Do the task.' },
  ];
  for (let i = 0; i < steps; i++) {
    m.push({ role: 'assistant', content: `step ${i}`, toolCalls: [{ id: `c${i}`, name: 'read_file', arguments: `{"path":"f${i}"}` }] });
    m.push({ role: 'tool', toolCallId: `c${i}`, name: 'read_file', content: `${i}:`.padEnd(outChars, 'x') });
  }
  return m;
}

describe('agent/context-size and compaction', () => {
  it('counts CJK text about a token a character, Latin about four characters a token', () => {
    const zh = '这是一个用于测试的中文句子，包含二十个汉字左右。';
    assert.ok(estimateTextTokens(zh) >= zh.length - 2, `${estimateTextTokens(zh)} for ${zh.length} characters`);
    assert.equal(estimateTextTokens('abcd'.repeat(100)), 100);
    // the old 4-characters rule undercounted this several times over
    assert.ok(estimateTextTokens(zh) > 3 * Math.ceil(zh.length / 4));
  });

  it('anchors the size to the provider\'s prompt_tokens and only estimates what came after', () => {
    const m = conversation(3);
    const size = new ContextSize([]);
    const estimated = size.tokens(m);
    size.measured(4, 10_000); // the provider counted the first 4 messages as 10,000 tokens
    assert.equal(size.tokens(m), 10_000 + estimateMessages(m, 4));
    assert.notEqual(size.tokens(m), estimated);
    size.reset();
    assert.equal(size.tokens(m), estimated);
  });

  it('keeps the head, cuts on an assistant turn and keeps recent steps up to the target', () => {
    const m = conversation(40);
    const total = estimateMessages(m);
    const plan = planCompaction(m, 2, Math.floor(total / 2), 500)!;
    assert.equal(plan.from, 2);
    assert.equal(m[plan.to]!.role, 'assistant', 'the cut falls on a step boundary');
    const kept = estimateMessages(m, plan.to) + estimateMessages(m, 0, 2) + 500;
    assert.ok(kept <= total / 2, `kept ${kept} of ${total}`);
    assert.ok(kept > total / 2 - 2 * estimateMessages(m, m.length - 2), 'keeps as many steps as fit');
    applyCompaction(m, plan, 'we read f0..f20', true);
    assert.equal(m[0]!.role, 'system');
    assert.equal(m[1]!.content, 'Do the task.');
    assert.ok(isSummary(m[2]!));
    assert.equal(m[3]!.role, 'assistant');
    // every tool result still follows its call
    for (let i = 0; i < m.length; i++) if (m[i]!.role === 'tool') assert.equal(m[i - 1]!.role === 'assistant' || m[i - 1]!.role === 'tool', true);
  });

  it('re-compaction folds the earlier summary into the new span, keeps the newest step even when it alone is too big', () => {
    const m = conversation(10);
    applyCompaction(m, planCompaction(m, 2, 5000, 0)!, 'first summary: the code is 4711', true);
    for (let i = 0; i < 5; i++) m.push({ role: 'assistant', content: '', toolCalls: [{ id: `d${i}`, name: 'grep', arguments: '{}' }] }, { role: 'tool', toolCallId: `d${i}`, name: 'grep', content: 'y'.repeat(4000) });
    const plan = planCompaction(m, 2, 100, 0)!;
    assert.equal(plan.from, 2);
    assert.equal(plan.to, m.length - 2, 'only the newest step is kept');
    assert.match(digestOf(m.slice(plan.from, plan.to)), /earlier summary: .*4711/);
    // nothing to compact: only one step after the head
    assert.equal(planCompaction(conversation(1), 2, 10, 0), undefined);
  });

  it('the summary message says what it replaced', () => {
    const m = conversation(6);
    applyCompaction(m, { from: 2, to: 8 }, 'x', false);
    assert.ok(typeof m[2]!.content === 'string' && m[2]!.content.startsWith(`${SUMMARY_PREFIX} 6 earlier messages`));
  });
});
