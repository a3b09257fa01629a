// The OpenAI-compatible provider against the real HTTP model simulator: streaming, Kimi dialects,
// message mapping and usage.
import assert from 'node:assert/strict';
import { detectDialect } from '../../../server/model/dialect';
import { ModelError, type ChatMessage } from '../../../server/model/types';
import { script, startSimulator, type Simulator } from '../../support/simulator';
import { collect, joined, model, rejection, req } from './helpers';

describe('model/openai: streaming', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('streams text in several deltas and finishes with stop', async () => {
    const text = 'Hello from the simulator, streamed in small pieces.';
    sim = await startSimulator({ respond: script([{ text }]), chunkChars: 5 });
    const events = await collect(model(sim.url).stream(req('hi'), new AbortController().signal));
    const deltas = events.filter((e) => e.type === 'text');
    assert.ok(deltas.length >= 10, `expected many deltas, got ${deltas.length}`);
    assert.equal(joined(events, 'text'), text);
    assert.deepEqual(events.at(-1), { type: 'done', finishReason: 'stop' });
    assert.equal(sim.requests.length, 1);
    assert.equal(sim.requests[0].headers.authorization, 'Bearer sk-test-key-123456');
    assert.equal(sim.requests[0].body.stream, true);
    assert.deepEqual(sim.requests[0].body.stream_options, { include_usage: true });
  });

  for (const field of ['reasoning_content', 'reasoning'] as const) {
    it(`streams reasoning sent as ${field} as reasoning events before the text`, async () => {
      sim = await startSimulator({ respond: script([{ reasoning: 'Let me think about this carefully.', text: 'Answer.', reasoningField: field }]) });
      const events = await collect(model(sim.url).stream(req('q'), new AbortController().signal));
      assert.equal(joined(events, 'reasoning'), 'Let me think about this carefully.');
      assert.equal(joined(events, 'text'), 'Answer.');
      const firstText = events.findIndex((e) => e.type === 'text');
      const lastReasoning = events.map((e) => e.type).lastIndexOf('reasoning');
      assert.ok(lastReasoning < firstText);
    });
  }

  it('assembles several tool calls split across chunks, emitted once each at the end, raw arguments kept', async () => {
    const args = { path: 'src/some/deeply/nested/file.ts', offset: 10, limit: 200 };
    sim = await startSimulator({
      chunkChars: 3,
      respond: script([
        {
          reasoning: 'I should read two files.',
          toolCalls: [
            { name: 'read_file', arguments: args },
            { name: 'grep', arguments: '{"pattern": "foo", "path": ' /* malformed on purpose */ },
            { name: 'list_files', arguments: {}, id: 'call_custom' },
          ],
        },
      ]),
    });
    const events = await collect(model(sim.url).stream(req('read'), new AbortController().signal));
    const calls = events.flatMap((e) => (e.type === 'tool_call' ? [e.call] : []));
    assert.equal(calls.length, 3);
    assert.equal(calls[0].name, 'read_file');
    assert.deepEqual(JSON.parse(calls[0].arguments), args);
    assert.match(calls[0].id, /^functions\.read_file:\d+$/);
    assert.equal(calls[1].name, 'grep');
    assert.equal(calls[1].arguments, '{"pattern": "foo", "path": ');
    assert.deepEqual(calls[2], { id: 'call_custom', name: 'list_files', arguments: '{}' });
    // tool calls come after all streamed text/reasoning, then usage, then done
    const types = events.map((e) => e.type);
    assert.ok(types.indexOf('tool_call') > types.lastIndexOf('reasoning'));
    assert.deepEqual(types.slice(-2), ['usage', 'done']);
    assert.deepEqual(events.at(-1), { type: 'done', finishReason: 'tool_calls' });
  });

  it('maps usage with cached tokens (OpenAI and Moonshot styles)', async () => {
    for (const usageStyle of ['openai', 'moonshot'] as const) {
      sim = await startSimulator({ usageStyle, respond: () => ({ text: 'ok ok ok ok' }) });
      const m = model(sim.url);
      const system = 'You are a careful coding agent. '.repeat(40);
      const first: ChatMessage[] = [{ role: 'system', content: system }, { role: 'user', content: 'first task' }];
      const e1 = await collect(m.stream({ messages: first, tools: [], thinking: false }, new AbortController().signal));
      const second: ChatMessage[] = [{ role: 'system', content: system }, { role: 'user', content: 'second task' }];
      const e2 = await collect(m.stream({ messages: second, tools: [], thinking: false }, new AbortController().signal));
      const u1 = e1.find((e) => e.type === 'usage');
      const u2 = e2.find((e) => e.type === 'usage');
      assert.ok(u1 && u1.type === 'usage' && u2 && u2.type === 'usage');
      assert.equal(u1.usage.cachedInput, 0);
      assert.equal(u1.usage.input, sim.requests[0].promptTokens);
      assert.equal(u1.usage.output, 3);
      assert.equal(u2.usage.cachedInput, sim.requests[1].cachedTokens, usageStyle);
      assert.ok(u2.usage.cachedInput > 250, `${usageStyle}: cached ${u2.usage.cachedInput}`);
      assert.ok(u2.usage.cachedInput < u2.usage.input);
      await sim.close();
      sim = undefined;
    }
  });
});

describe('model/openai: Kimi request rules', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('detects the dialect from the base URL', () => {
    assert.equal(detectDialect('https://api.moonshot.ai/v1'), 'moonshot');
    assert.equal(detectDialect('https://api.moonshot.cn/v1'), 'moonshot');
    assert.equal(detectDialect('http://127.0.0.1:8000/v1'), 'vllm');
    assert.equal(detectDialect('https://api.openai.com/v1'), 'none');
    assert.equal(detectDialect('https://api.kimi.com/coding/v1'), 'moonshot');
  });

  it('switches thinking per request in the Moonshot and vLLM dialects and never sends sampling params', async () => {
    sim = await startSimulator();
    const signal = new AbortController().signal;
    for (const thinking of [true, false]) {
      await collect(model(sim.url, { dialect: 'moonshot' }).stream(req('a', { thinking }), signal));
      await collect(model(sim.url).stream(req('b', { thinking }), signal)); // 127.0.0.1 → vLLM style
      await collect(model(sim.url, { dialect: 'none' }).stream(req('c', { thinking }), signal));
    }
    const bodies = sim.requests.map((r) => r.body);
    assert.deepEqual(bodies[0].thinking, { type: 'enabled' });
    assert.equal(bodies[0].chat_template_kwargs, undefined);
    assert.deepEqual(bodies[1].chat_template_kwargs, { thinking: true });
    assert.equal(bodies[1].thinking, undefined);
    assert.equal(bodies[2].thinking, undefined);
    assert.equal(bodies[2].chat_template_kwargs, undefined);
    assert.deepEqual(bodies[3].thinking, { type: 'disabled' });
    assert.deepEqual(bodies[4].chat_template_kwargs, { thinking: false });
    assert.equal(sim.requests[3].thinking, false);
    for (const b of bodies) {
      assert.equal(b.temperature, undefined);
      assert.equal(b.top_p, undefined);
      assert.equal(b.model, 'kimi-k2.5');
    }
  });

  const toolTurn: ChatMessage[] = [
    { role: 'system', content: 'sys' },
    { role: 'user', content: 'fix the bug' },
    { role: 'assistant', content: '', reasoning: 'I need to read main.ts first.', toolCalls: [{ id: 'functions.read_file:0', name: 'read_file', arguments: '{"path":"main.ts"}' }] },
    { role: 'tool', toolCallId: 'functions.read_file:0', name: 'read_file', content: 'console.log(1)' },
  ];

  it('sends reasoning_content back on assistant tool-call messages, and tools as function specs', async () => {
    sim = await startSimulator({ requireReasoningOnToolCalls: true, respond: script([{ text: 'done' }]) });
    const tools = [{ name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];
    const events = await collect(model(sim.url, { dialect: 'moonshot' }).stream({ messages: toolTurn, tools, thinking: true }, new AbortController().signal));
    assert.equal(joined(events, 'text'), 'done');
    const msgs = sim.requests[0].body.messages;
    assert.equal(msgs[2].role, 'assistant');
    assert.equal(msgs[2].reasoning_content, 'I need to read main.ts first.');
    assert.deepEqual(msgs[2].tool_calls, [{ id: 'functions.read_file:0', type: 'function', function: { name: 'read_file', arguments: '{"path":"main.ts"}' } }]);
    assert.deepEqual(msgs[3], { role: 'tool', tool_call_id: 'functions.read_file:0', name: 'read_file', content: 'console.log(1)' });
    assert.deepEqual(sim.requests[0].body.tools, [{ type: 'function', function: tools[0] }]);
  });

  // Moonshot answers 400 "thinking is enabled but reasoning_content is missing in assistant tool
  // call message at index N" when the key is absent, also for a turn that streamed no reasoning
  // (K2.5 produces these; vLLM's reasoning-parser tests have the no-reasoning case). Seen in the
  // field: continuedev/continue #11527, #11711; MoonshotAI/kimi-agent-sdk #169.
  it('sends reasoning_content as an empty string on a thinking-mode tool-call turn that streamed no reasoning', async () => {
    sim = await startSimulator({ respond: script([{ text: 'done' }, { text: 'done' }, { text: 'done' }]) });
    const stripped = toolTurn.map((m) => (m.role === 'assistant' ? { ...m, reasoning: undefined } : m));
    const events = await collect(model(sim.url, { dialect: 'moonshot' }).stream({ messages: stripped, tools: [], thinking: true }, new AbortController().signal));
    assert.equal(joined(events, 'text'), 'done');
    assert.equal(sim.requests[0].status, 200);
    assert.equal(sim.requests[0].body.messages[2].reasoning_content, '');
    // vLLM-style endpoints get the key too (the K2.5 template renders it); `none` endpoints never asked for it
    await collect(model(sim.url, { dialect: 'vllm' }).stream({ messages: stripped, tools: [], thinking: true }, new AbortController().signal));
    assert.equal(sim.requests[1].body.messages[2].reasoning_content, '');
    await collect(model(sim.url, { dialect: 'none' }).stream({ messages: stripped, tools: [], thinking: true }, new AbortController().signal));
    assert.equal('reasoning_content' in sim.requests[2].body.messages[2], false);
  });

  it('the simulator, like Moonshot, rejects a thinking-mode history whose tool-call turn lacks the key (400, no retry)', async () => {
    sim = await startSimulator({ respond: script([{ text: 'done' }]) });
    const body = {
      model: 'kimi-k2.5',
      thinking: { type: 'enabled' },
      messages: [
        { role: 'user', content: 'fix the bug' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'functions.read_file:0', type: 'function', function: { name: 'read_file', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'functions.read_file:0', content: 'x' },
      ],
    };
    const res = await fetch(`${sim.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /thinking is enabled but reasoning_content is missing in assistant tool call message at index 1/);
  });

  it('sends images as image_url data URLs and never sends empty text parts', async () => {
    sim = await startSimulator();
    const png = Buffer.from('fake-png-bytes').toString('base64');
    const messages: ChatMessage[] = [
      { role: 'user', content: [{ type: 'text', text: '' }, { type: 'image', mimeType: 'image/png', data: png }, { type: 'text', text: 'What is in this picture?' }, { type: 'text', text: '  ' }] },
      { role: 'assistant', content: '', reasoning: 'r', toolCalls: [{ id: 't1', name: 'render_compare', arguments: '{}' }] },
      { role: 'tool', toolCallId: 't1', name: 'render_compare', content: [{ type: 'text', text: 'diff 3%' }, { type: 'image', mimeType: 'image/jpeg', data: png }] },
      { role: 'user', content: [{ type: 'text', text: 'only text' }, { type: 'text', text: '' }] },
    ];
    await collect(model(sim.url).stream({ messages, tools: [], thinking: true }, new AbortController().signal));
    const msgs = sim.requests[0].body.messages;
    assert.deepEqual(msgs[0].content, [
      { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
      { type: 'text', text: 'What is in this picture?' },
    ]);
    assert.equal(msgs[2].role, 'tool');
    assert.equal(msgs[2].content, 'diff 3%');
    // the tool's image follows the tool results as a user message
    assert.equal(msgs[3].role, 'user');
    const parts = msgs[3].content as { type: string; text?: string; image_url?: { url: string } }[];
    assert.deepEqual(parts.at(-1), { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${png}` } });
    assert.equal(msgs[4].content, 'only text');
    for (const m of msgs) {
      if (Array.isArray(m.content)) for (const p of m.content) if (p.type === 'text') assert.ok(p.text && p.text.trim() !== '', 'empty text part sent');
    }
  });
});
