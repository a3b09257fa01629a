// The embedded engine on a real (tiny, random-weight) Kimi-architecture GGUF: llama.cpp's
// deepseek2 MoE code path through node-llama-cpp's prebuilt binaries.
import assert from 'node:assert/strict';
import { ensureTestGguf } from '../../../scripts/make-test-gguf';
import { LlamaEngine } from '../../../server/model/llama/engine';
import { disposeLocalModels } from '../../../server/model/llama/runtime';
import type { ChatMessage, ModelEvent, ModelRequest, ToolSpec } from '../../../server/model/types';

const tools: ToolSpec[] = [
  {
    name: 'read_file',
    description: 'Read a file',
    parameters: {
      type: 'object',
      properties: { path: { type: 'string', maxLength: 12 }, offset: { type: 'integer' } },
      required: ['path'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'grep',
    description: 'Search',
    parameters: {
      type: 'object',
      properties: { pattern: { type: 'string', maxLength: 12 }, regex: { type: 'boolean' } },
      required: ['pattern', 'regex'],
    },
  },
];

async function collect(engine: LlamaEngine, request: ModelRequest, signal = new AbortController().signal): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const e of engine.stream(request, signal)) events.push(e);
  return events;
}

const base: ChatMessage[] = [
  { role: 'system', content: 'You are a coding agent.' },
  { role: 'user', content: 'Read src/index.ts' },
];

describe('embedded llama.cpp engine (tiny Kimi-architecture GGUF)', function () {
  this.timeout(120_000);
  let modelPath: string;
  const engines: LlamaEngine[] = [];
  const engine = (opts: Partial<ConstructorParameters<typeof LlamaEngine>[0]> = {}) => {
    const e = new LlamaEngine({ model: modelPath, gpu: false, parallel: 4, contextSize: 1024, threads: 1, seed: 7, ...opts });
    engines.push(e);
    return e;
  };

  before(() => {
    modelPath = ensureTestGguf('tiny');
  });
  after(async () => {
    for (const e of engines) await e.dispose();
    await disposeLocalModels();
  });

  it('loads the deepseek2 MoE GGUF and generates a turn with usage', async () => {
    const e = engine();
    const events = await collect(e, { messages: base, tools: [], thinking: false, maxTokens: 12 });
    // The agent compacts against the engine's real context, not a remote model's 128k+ window.
    assert.equal(e.limits.contextWindow, 1024);
    const done = events.at(-1);
    assert.equal(done?.type, 'done');
    const usage = events.find((e) => e.type === 'usage');
    assert.ok(usage && usage.type === 'usage');
    assert.ok(usage.usage.input > 10, 'prompt tokens counted');
    assert.ok(usage.usage.output >= 1 && usage.usage.output <= 12, `output tokens ${usage.usage.output}`);
  });

  it('yields tool calls whose ids and arguments are constrained by grammar', async () => {
    const history: ChatMessage[] = [
      ...base,
      { role: 'assistant', content: '', toolCalls: [{ id: 'functions.read_file:0', name: 'read_file', arguments: '{"path":"a"}' }] },
      { role: 'tool', toolCallId: 'functions.read_file:0', name: 'read_file', content: 'x' },
    ];
    for (const seed of [1, 2, 3]) {
      const e = engine({ toolChoice: 'required', seed, parallel: 1 });
      const events = await collect(e, { messages: history, tools, thinking: false, maxTokens: 96 });
      const calls = events.flatMap((ev) => (ev.type === 'tool_call' ? [ev.call] : []));
      assert.ok(calls.length >= 1, `seed ${seed}: a tool call`);
      calls.forEach((c, i) => {
        assert.equal(c.id, `functions.${c.name}:${1 + i}`, 'ids continue the conversation count');
        const args = JSON.parse(c.arguments) as Record<string, unknown>;
        if (c.name === 'read_file') {
          assert.equal(typeof args.path, 'string');
          assert.ok([...(args.path as string)].length <= 12, 'maxLength honoured');
          if ('offset' in args) assert.ok(Number.isInteger(args.offset));
          assert.deepEqual(Object.keys(args).filter((k) => k !== 'path' && k !== 'offset'), []);
        } else {
          assert.equal(c.name, 'grep');
          assert.equal(typeof args.pattern, 'string');
          assert.ok([...(args.pattern as string)].length <= 12, 'maxLength honoured');
          assert.equal(typeof args.regex, 'boolean');
        }
      });
      const done = events.at(-1);
      assert.ok(done?.type === 'done' && done.finishReason === 'tool_calls', `seed ${seed}: finish ${JSON.stringify(done)}`);
      await e.dispose();
    }
  });

  it('keeps marker text inside an argument as argument text, and special tokens out of names and arguments', async () => {
    // Found in real runs: calls named `gre<|media_content|>` and `e.{##toolReturassi pa ar`, the
    // JSON string of an argument read as call markers. Kimi's markers are special tokens (vLLM /
    // SGLang kimi_k2 tool parsers split on them); a string that merely contains their text is data.
    // The enum forces the model to write marker text inside the string, whatever its weights.
    const marker = 'x<|tool_call_end|><|tool_call_begin|>functions.grep:9<|tool_call_argument_begin|>{}';
    const note: ToolSpec = {
      name: 'note',
      description: 'Write a note',
      parameters: { type: 'object', properties: { text: { type: 'string', enum: [marker] } }, required: ['text'] },
    };
    for (const seed of [11, 12]) {
      const e = engine({ toolChoice: 'required', seed, parallel: 1 });
      const events = await collect(e, { messages: base, tools: [note], thinking: false, maxTokens: 200 });
      const calls = events.flatMap((ev) => (ev.type === 'tool_call' ? [ev.call] : []));
      assert.ok(calls.length >= 1, `seed ${seed}: a tool call`);
      for (const c of calls) {
        assert.match(c.id, /^functions\.note:\d+$/, `seed ${seed}: id ${c.id}`);
        assert.deepEqual(JSON.parse(c.arguments), { text: marker }, `seed ${seed}`);
      }
      await e.dispose();
    }
  });

  it('serves several concurrent streams from one loaded model on parallel sequences', async () => {
    const e = engine({ parallel: 4 });
    await e.load();
    let inFlight = 0;
    let maxInFlight = 0;
    const run = async (i: number) => {
      const events: ModelEvent[] = [];
      let started = false;
      for await (const ev of e.stream({ messages: [{ role: 'user', content: `task ${i}` }], tools: [], thinking: i % 2 === 0, maxTokens: 24 }, new AbortController().signal)) {
        if (!started) {
          started = true;
          maxInFlight = Math.max(maxInFlight, ++inFlight);
        }
        events.push(ev);
      }
      inFlight--;
      return events;
    };
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map(run));
    for (const events of results) assert.equal(events.at(-1)?.type, 'done');
    assert.ok(maxInFlight >= 2, `streams overlapped (max in flight ${maxInFlight})`);
    assert.ok(maxInFlight <= 4, 'never more streams than sequences');
  });

  it('reuses the cached prompt prefix of a sequence on the next turn', async () => {
    const e = engine({ parallel: 1 });
    const first = await collect(e, { messages: base, tools, thinking: false, maxTokens: 4 });
    const second = await collect(e, {
      messages: [...base, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'again' }],
      tools,
      thinking: false,
      maxTokens: 4,
    });
    const u1 = first.find((x) => x.type === 'usage');
    const u2 = second.find((x) => x.type === 'usage');
    assert.ok(u1?.type === 'usage' && u2?.type === 'usage');
    assert.ok(u2.usage.cachedInput >= u1.usage.input - 8, `cached ${u2.usage.cachedInput} of ${u1.usage.input}`);
  });

  it('stops when the signal aborts', async () => {
    const e = engine({ parallel: 1 });
    const ctl = new AbortController();
    let n = 0;
    await assert.rejects(async () => {
      for await (const ev of e.stream({ messages: base, tools: [], thinking: true, maxTokens: 400 }, ctl.signal)) {
        if (ev.type === 'reasoning' || ev.type === 'text') if (++n === 2) ctl.abort();
      }
    });
  });

  it('runs non-Kimi templates through node-llama-cpp chat wrappers', async () => {
    const events = await collect(engine({ template: 'wrapper', parallel: 1 }), { messages: base, tools: [], thinking: false, maxTokens: 8 });
    assert.equal(events.at(-1)?.type, 'done');
    const usage = events.find((x) => x.type === 'usage');
    assert.ok(usage?.type === 'usage' && usage.usage.output >= 1);
  });
});
