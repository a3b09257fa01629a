// The model simulator itself (test/support/simulator.ts), over raw HTTP: routing per conversation,
// prefix-cache accounting, non-streamed answers, /v1/models, auth, and the CLI.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PrefixCache, byConversation, perConversation, script, startSimulator, type Simulator } from '../../support/simulator';
import { within } from './helpers';

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Streams a completion and returns the concatenated content plus the parsed chunks. */
async function streamed(url: string, messages: unknown[]): Promise<{ text: string; chunks: any[] }> {
  const res = await post(url, { model: 'm', stream: true, stream_options: { include_usage: true }, messages });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const raw = await res.text();
  const events = raw.split('\n\n').filter(Boolean);
  assert.equal(events.at(-1), 'data: [DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  return { text, chunks };
}

const user = (text: string) => [{ role: 'user', content: text }];

describe('test support: model simulator', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('routes interleaved conversations to their own scripts', async () => {
    sim = await startSimulator({
      respond: byConversation({
        'task A': [{ text: 'A1' }, { text: 'A2' }],
        'task B': perConversation(() => script([{ text: 'B1' }, { text: 'B2' }])),
      }),
    });
    const url = sim.url;
    const got = await Promise.all([
      streamed(url, user('please do task A')),
      streamed(url, user('task B for agent 1')),
      streamed(url, user('task B for agent 2')),
    ]);
    assert.deepEqual(got.map((g) => g.text), ['A1', 'B1', 'B1']);
    const second = await Promise.all([streamed(url, user('please do task A')), streamed(url, user('task B for agent 2')), streamed(url, user('other'))]);
    assert.deepEqual(second.map((g) => g.text), ['A2', 'B2', 'You said: other']);
    assert.equal(sim.requests.length, 6);
    assert.deepEqual(sim.requests.map((r) => r.index), [0, 1, 2, 3, 4, 5]);
  });

  it('counts prompt tokens and a prefix cache shared across requests', async () => {
    sim = await startSimulator({ cacheBlockChars: 4 });
    const shared = 'S'.repeat(400);
    await streamed(sim.url, [{ role: 'system', content: shared }, { role: 'user', content: 'one' }]);
    const second = await streamed(sim.url, [{ role: 'system', content: shared }, { role: 'user', content: 'two' }]);
    await streamed(sim.url, [{ role: 'system', content: 'X' + shared }, { role: 'user', content: 'one' }]);
    const [r1, r2, r3] = sim.requests;
    const prompt = JSON.stringify([]) + JSON.stringify([{ role: 'system', content: shared }, { role: 'user', content: 'one' }]);
    assert.equal(r1.promptTokens, Math.ceil(prompt.length / 4));
    assert.equal(r1.cachedTokens, 0);
    // common prefix: tools "[]" + messages up to the differing user text, rounded down to whole blocks
    const common = prompt.indexOf('one');
    assert.equal(r2.cachedTokens, Math.floor(common / 4));
    assert.ok(r2.cachedTokens > 100);
    // a changed system prompt breaks the prefix right where it differs
    assert.equal(r3.cachedTokens, Math.floor(prompt.indexOf(shared) / 4));
    const usage = second.chunks.at(-1).usage;
    assert.equal(usage.prompt_tokens_details.cached_tokens, r2.cachedTokens);
    assert.equal(usage.prompt_tokens, r2.promptTokens);
  });

  it('PrefixCache counts whole matching blocks only', () => {
    const c = new PrefixCache(4);
    assert.equal(c.lookup('abcdefghij', true), 0);
    assert.equal(c.lookup('abcdefgXij', false), 4);
    assert.equal(c.lookup('abcdefghXX', false), 8);
    assert.equal(c.lookup('Xbcdefgh', false), 0);
  });

  it('splits tool calls across chunks and answers non-streamed requests as one JSON completion', async () => {
    sim = await startSimulator({
      chunkChars: 2,
      respond: () => ({ reasoning: 'hmm', text: 'calling', toolCalls: [{ name: 'grep', arguments: { pattern: 'x' } }] }),
    });
    const { chunks } = await streamed(sim.url, user('go'));
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    assert.ok(toolDeltas.length > 3);
    assert.equal(toolDeltas.map((d: any) => d.function.arguments).join(''), '{"pattern":"x"}');
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'tool_calls');
    const res = await post(sim.url, { model: 'm', messages: user('go') });
    const json = (await res.json()) as any;
    assert.equal(json.object, 'chat.completion');
    assert.equal(json.choices[0].message.content, 'calling');
    assert.equal(json.choices[0].message.reasoning_content, 'hmm');
    assert.equal(json.choices[0].message.tool_calls[0].function.arguments, '{"pattern":"x"}');
    assert.ok(json.usage.prompt_tokens > 0);
  });

  it('checks the API key and serves /v1/models', async () => {
    sim = await startSimulator({ apiKey: 'k1', models: ['kimi-k2.5'] });
    assert.equal((await post(sim.url, { model: 'kimi-k2.5', messages: user('x') })).status, 401);
    assert.equal((await post(sim.url, { model: 'kimi-k2.5', messages: user('x') }, { authorization: 'Bearer k1' })).status, 200);
    assert.equal((await post(sim.url, { model: 'nope', messages: user('x') }, { authorization: 'Bearer k1' })).status, 404);
    const models = (await (await fetch(`${sim.url}/models`, { headers: { authorization: 'Bearer k1' } })).json()) as any;
    assert.deepEqual(models.data.map((m: any) => m.id), ['kimi-k2.5']);
    assert.deepEqual(sim.requests.map((r) => r.status), [401, 200, 404]);
  });

  it('runs as a CLI that prints its URL and cycles a JSON script per conversation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const file = join(dir, 'script.json');
    writeFileSync(file, JSON.stringify([{ text: 'first' }, { text: 'second' }]));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/simulator-cli.ts', '--script', file, '--ttft', '5', '--tps', '5000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const url = await within(new Promise<string>((resolve) => lines.once('line', resolve)), 20_000, 'the simulator URL');
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const texts: string[] = [];
      for (const who of ['a', 'a', 'a', 'b']) texts.push((await streamed(url, user(who))).text);
      assert.deepEqual(texts, ['first', 'second', 'first', 'first']);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await within(exited, 20_000, 'the simulator CLI to exit');
    }
  });
});
