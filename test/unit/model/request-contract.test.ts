// What every request carries, per dialect, against the strict simulator.
// References: Moonshot's chat API (`max_tokens`: omitted, a small default applies — their docs say
// "such as 1024"; Roo-Code PR #7673 fixed exactly that truncation; Moonshot's own CLI sends 32,000),
// Moonshot's `thinking: {type}` switch, vLLM/SGLang's `chat_template_kwargs: {thinking}` (the K2.5
// chat template reads `thinking`), and OpenAI/OpenRouter/Ollama, which take neither field.
import assert from 'node:assert/strict';
import { createModel } from '../../../server/model';
import { defaultMaxOutputTokens, resolveDialect } from '../../../server/model/dialect';
import { OpenAICompatibleModel } from '../../../server/model/openai';
import { DEFAULT_SETTINGS } from '../../../server/protocol';
import { script, startSimulator, type Simulator } from '../../support/simulator';
import { collect, model, quietLog, req } from './helpers';

describe('model: the request contract per dialect', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('a preset declares its dialect: Kimi Code speaks Moonshot\'s, Ollama / LM Studio / OpenRouter none, vLLM chat_template_kwargs', () => {
    assert.equal(resolveDialect({ baseUrl: 'https://api.kimi.com/coding/v1' }), 'moonshot');
    assert.equal(resolveDialect({ baseUrl: 'http://localhost:11434/v1' }), 'none');
    assert.equal(resolveDialect({ baseUrl: 'http://localhost:1234/v1' }), 'none');
    assert.equal(resolveDialect({ baseUrl: 'https://openrouter.ai/api/v1' }), 'none');
    assert.equal(resolveDialect({ baseUrl: 'http://localhost:8000/v1' }), 'vllm');
    // a preset picked by id wins over what its (changed) URL says
    assert.equal(resolveDialect({ baseUrl: 'http://10.0.0.5:11434/v1', preset: 'ollama' }), 'none');
    // a gateway in front of Moonshot: only the override can know
    assert.equal(resolveDialect({ baseUrl: 'https://llm-gateway.corp.example/v1' }), 'vllm');
    assert.equal(resolveDialect({ baseUrl: 'https://llm-gateway.corp.example/v1', dialect: 'moonshot' }), 'moonshot');
    assert.equal(resolveDialect({ baseUrl: 'https://api.moonshot.ai/v1', dialect: 'none' }), 'none');
  });

  it('createModel applies the settings\' dialect and preset (no chat_template_kwargs to a none endpoint)', async () => {
    sim = await startSimulator({ respond: script([{ text: 'a' }, { text: 'b' }, { text: 'c' }]) });
    const signal = new AbortController().signal;
    const base = { ...DEFAULT_SETTINGS, baseUrl: sim.url, apiKey: 'k', model: 'kimi-k2.5' };
    await collect(createModel({ ...base, dialect: 'moonshot' }, quietLog()).stream(req('x'), signal));
    await collect(createModel({ ...base, preset: 'ollama' }, quietLog()).stream(req('y'), signal));
    await collect(createModel(base, quietLog()).stream(req('z'), signal));
    const [moon, none, auto] = sim.requests.map((r) => r.body);
    assert.deepEqual(moon.thinking, { type: 'enabled' });
    assert.equal(moon.chat_template_kwargs, undefined);
    assert.equal(none.thinking, undefined);
    assert.equal(none.chat_template_kwargs, undefined);
    assert.deepEqual(auto.chat_template_kwargs, { thinking: true });
  });

  it('sends max_tokens on every request: 32,768 on the Moonshot dialect, a quarter of the window elsewhere, the setting when set', async () => {
    sim = await startSimulator({ respond: script([{ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'd' }]) });
    const signal = new AbortController().signal;
    await collect(model(sim.url, { dialect: 'moonshot' }).stream(req('a'), signal));
    await collect(model(sim.url, { dialect: 'vllm', contextWindow: 65_536 }).stream(req('b'), signal));
    await collect(model(sim.url, { dialect: 'moonshot', maxOutputTokens: 8000 }).stream(req('c'), signal));
    await collect(model(sim.url, { dialect: 'vllm', contextWindow: 8192 }).stream(req('d', { maxTokens: 3000 }), signal));
    assert.deepEqual(
      sim.requests.map((r) => r.body.max_tokens),
      [32_768, 16_384, 8000, 3000],
    );
    assert.equal(defaultMaxOutputTokens('vllm', 2048), 1024);
  });

  it('without max_tokens the strict simulator cuts a thinking turn off at 1,024 tokens, as Moonshot does', async () => {
    sim = await startSimulator({ respond: script([{ reasoning: 'r'.repeat(6000), text: 'the answer' }]) });
    const res = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'kimi-k2.5', messages: [{ role: 'user', content: 'q' }] }),
    });
    const body = (await res.json()) as { choices: { finish_reason: string; message: { content: string } }[] };
    assert.equal(body.choices[0].finish_reason, 'length');
    assert.equal(body.choices[0].message.content, '');
  });

  it('a prompt plus output cap over the window gets Moonshot\'s 400, not a retry', async () => {
    sim = await startSimulator({ contextWindow: 4096, respond: script([{ text: 'never' }]) });
    const m = new OpenAICompatibleModel({ baseUrl: sim.url, apiKey: 'k', model: 'kimi-k2.5', maxRetries: 2, log: quietLog(), dialect: 'moonshot' });
    await assert.rejects(collect(m.stream(req('x'.repeat(1000), { maxTokens: 4000 }), new AbortController().signal)), /exceeded model token limit: 4096/);
    assert.equal(sim.requests.length, 1);
  });

  it('drops a tool call the output cap cut off, and says which', async () => {
    sim = await startSimulator({ respond: script([{ text: 'Writing it.', toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'z'.repeat(4000) } }] }]) });
    const events = await collect(model(sim.url).stream(req('write', { maxTokens: 200 }), new AbortController().signal));
    assert.equal(events.filter((e) => e.type === 'tool_call').length, 0);
    const done = events.at(-1);
    assert.deepEqual(done, { type: 'done', finishReason: 'length', truncatedCalls: ['write_file'] });
  });
});
