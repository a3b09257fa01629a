import assert from 'node:assert/strict';
import { parseKimiCompletion, KimiStreamParser } from '../../../server/model/kimi-parser';
import {
  KIMI_DEFAULT_SYSTEM,
  nextToolCallIndex,
  parseKimiToolCallId,
  renderKimiPrompt,
} from '../../../server/model/kimi-template';
import type { ChatMessage, ModelEvent } from '../../../server/model/types';

/** Merges adjacent deltas of one kind so chunking does not matter. */
function merged(events: ModelEvent[]): ModelEvent[] {
  const out: ModelEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (last && (e.type === 'text' || e.type === 'reasoning') && last.type === e.type) {
      out[out.length - 1] = { type: e.type, text: last.text + e.text };
    } else out.push(e);
  }
  return out;
}

describe('Kimi chat template: render', () => {
  it('renders system, user and the thinking generation prompt', () => {
    const s = renderKimiPrompt(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      [],
      { thinking: true },
    );
    assert.equal(s, '<|im_system|>system<|im_middle|>Be brief.<|im_end|><|im_user|>user<|im_middle|>Hi<|im_end|><|im_assistant|>assistant<|im_middle|><think>');
  });

  it('inserts the default system message and closes <think> in instant mode', () => {
    const s = renderKimiPrompt([{ role: 'user', content: 'Hi' }], [], { thinking: false });
    assert.equal(
      s,
      `<|im_system|>system<|im_middle|>${KIMI_DEFAULT_SYSTEM}<|im_end|><|im_user|>user<|im_middle|>Hi<|im_end|><|im_assistant|>assistant<|im_middle|><think></think>`,
    );
  });

  it('renders several tool calls in one section, their results, and keeps reasoning of the current step only', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1', reasoning: 'old thoughts' },
      { role: 'user', content: 'q2' },
      {
        role: 'assistant',
        content: '',
        reasoning: 'look at both',
        toolCalls: [
          { id: 'functions.read_file:0', name: 'read_file', arguments: '{"path":"a.ts"}' },
          { id: 'functions.grep:1', name: 'grep', arguments: '{"pattern":"x"}' },
        ],
      },
      { role: 'tool', toolCallId: 'functions.read_file:0', name: 'read_file', content: 'A' },
      { role: 'tool', toolCallId: 'functions.grep:1', name: 'grep', content: 'B' },
    ];
    const s = renderKimiPrompt(messages, [], { thinking: true });
    assert.equal(
      s,
      '<|im_system|>system<|im_middle|>S<|im_end|>' +
        '<|im_user|>user<|im_middle|>q1<|im_end|>' +
        '<|im_assistant|>assistant<|im_middle|><think></think>a1<|im_end|>' +
        '<|im_user|>user<|im_middle|>q2<|im_end|>' +
        '<|im_assistant|>assistant<|im_middle|><think>look at both</think>' +
        '<|tool_calls_section_begin|>' +
        '<|tool_call_begin|>functions.read_file:0<|tool_call_argument_begin|>{"path":"a.ts"}<|tool_call_end|>' +
        '<|tool_call_begin|>functions.grep:1<|tool_call_argument_begin|>{"pattern":"x"}<|tool_call_end|>' +
        '<|tool_calls_section_end|><|im_end|>' +
        '<|im_system|>read_file<|im_middle|>## Return of functions.read_file:0\nA<|im_end|>' +
        '<|im_system|>grep<|im_middle|>## Return of functions.grep:1\nB<|im_end|>' +
        '<|im_assistant|>assistant<|im_middle|><think>',
    );
    assert.equal(nextToolCallIndex(messages), 2);
  });

  it('rewrites foreign call ids to functions.NAME:IDX, tool results included', () => {
    const s = renderKimiPrompt(
      [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_abc', name: 'list_files', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_abc', name: 'list_files', content: 'x' },
      ],
      [],
      { thinking: false, generationPrompt: false },
    );
    assert.ok(s.includes('<|tool_call_begin|>functions.list_files:0<|tool_call_argument_begin|>{}<|tool_call_end|>'));
    assert.ok(s.endsWith('<|im_system|>list_files<|im_middle|>## Return of functions.list_files:0\nx<|im_end|>'));
  });

  it('parses ids', () => {
    assert.deepEqual(parseKimiToolCallId('functions.read_file:12'), { name: 'read_file', index: 12 });
    assert.equal(parseKimiToolCallId('call_1'), null);
  });
});

describe('Kimi chat template: streaming parser', () => {
  const completion =
    'I should read both files.' +
    '<|tool_calls_section_begin|>' +
    '<|tool_call_begin|>functions.read_file:0<|tool_call_argument_begin|>{"path":"a.ts"}<|tool_call_end|>' +
    '<|tool_call_begin|> functions.grep:1 <|tool_call_argument_begin|> {"pattern":"<|x"} <|tool_call_end|>' +
    '<|tool_calls_section_end|><|im_end|>ignored';

  const expected: ModelEvent[] = [
    { type: 'reasoning', text: 'I should read both files.' },
    { type: 'tool_call', call: { id: 'functions.read_file:0', name: 'read_file', arguments: '{"path":"a.ts"}' } },
    { type: 'tool_call', call: { id: 'functions.grep:1', name: 'grep', arguments: '{"pattern":"<|x"}' } },
  ];

  it('ends reasoning at a tool-call section and yields several calls from one section', () => {
    assert.deepEqual(merged(parseKimiCompletion(completion, true)), expected);
  });

  it('gives the same events whatever the chunking (markers split across chunks)', () => {
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const p = new KimiStreamParser({ startInReasoning: true });
      const events: ModelEvent[] = [];
      for (let i = 0; i < completion.length; i += size) events.push(...p.push(completion.slice(i, i + size)));
      events.push(...p.end());
      assert.deepEqual(merged(events), expected, `chunk size ${size}`);
      assert.equal(p.state, 'ended');
      assert.equal(p.toolCallCount, 2);
    }
  });

  it('separates reasoning and answer text at </think>, and stops at <|im_end|>', () => {
    const events = parseKimiCompletion('hmm, 2+2</think>It is 4.<|im_end|>more', true);
    assert.deepEqual(merged(events), [
      { type: 'reasoning', text: 'hmm, 2+2' },
      { type: 'text', text: 'It is 4.' },
    ]);
  });

  it('instant mode: text, then a call after text', () => {
    const events = parseKimiCompletion(
      'Let me look.<|tool_calls_section_begin|><|tool_call_begin|>functions.list_files:3<|tool_call_argument_begin|>{}<|tool_call_end|><|tool_calls_section_end|>',
      false,
    );
    assert.deepEqual(merged(events), [
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_call', call: { id: 'functions.list_files:3', name: 'list_files', arguments: '{}' } },
    ]);
  });

  it('reports a call cut off by the token limit, and keeps a lone "<" that is no marker', () => {
    const p = new KimiStreamParser({ startInReasoning: false });
    const events = [
      ...p.push('a < b <|tool_calls_section_begin|><|tool_call_begin|>functions.grep:0<|tool_call_argument_begin|>{"pat'),
      ...p.end(),
    ];
    assert.deepEqual(merged(events), [
      { type: 'text', text: 'a < b ' },
      { type: 'tool_call', call: { id: 'functions.grep:0', name: 'grep', arguments: '{"pat' } },
    ]);
  });
});
