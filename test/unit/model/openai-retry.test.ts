// Retries, user-facing errors and cancellation of the OpenAI-compatible provider, against faults
// injected by the real HTTP model simulator.
import assert from 'node:assert/strict';
import { backoffDelay, parseRetryAfter } from '../../../server/model/retry';
import { ModelError, type ModelEvent } from '../../../server/model/types';
import { script, startSimulator, type Simulator } from '../../support/simulator';
import { collect, finalText, model, quietLog, rejection, req, within } from './helpers';

const retries = (events: ModelEvent[]) => events.filter((e): e is Extract<ModelEvent, { type: 'retry' }> => e.type === 'retry');

describe('model/openai: retries and errors', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    sim = await startSimulator({ respond: script([{ fault: { status: 429, retryAfter: 1, body: 'Rate limit reached for requests' } }, { text: 'after the wait' }]) });
    const lines: string[] = [];
    const events = await collect(model(sim.url, { log: quietLog(lines) }).stream(req('x'), new AbortController().signal));
    const r = retries(events);
    assert.equal(r.length, 1);
    assert.equal(r[0].attempt, 1);
    assert.equal(r[0].delayMs, 1000);
    assert.match(r[0].reason, /429/);
    assert.equal(finalText(events), 'after the wait');
    assert.equal(sim.requests.length, 2);
    assert.equal(sim.requests[0].status, 429);
    const gap = sim.requests[1].at - sim.requests[0].at;
    assert.ok(gap >= 950, `second request came ${gap} ms after the first`);
    assert.ok(lines.some((l) => l.includes('retry 1/3')));
    assert.ok(!lines.some((l) => l.includes('sk-test-key')), 'API key leaked into the log');
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    sim = await startSimulator({ respond: script([{ fault: { status: 500, body: 'internal' } }, { fault: { status: 503 } }, { text: 'recovered' }]) });
    const events = await collect(model(sim.url).stream(req('x'), new AbortController().signal));
    const r = retries(events);
    assert.deepEqual(r.map((e) => e.attempt), [1, 2]);
    assert.match(r[0].reason, /500/);
    assert.match(r[1].reason, /503/);
    assert.ok(r[1].delayMs >= 20 && r[1].delayMs <= 40, `backoff ${r[1].delayMs}`);
    assert.equal(finalText(events), 'recovered');
  });

  it('retries a dropped stream; the partial turn precedes the retry event', async () => {
    const text = 'This answer is long enough to be cut in the middle of the stream.';
    sim = await startSimulator({ respond: script([{ text, fault: { dropAfterChars: 20 } }, { text }]) });
    const events = await collect(model(sim.url).stream(req('x'), new AbortController().signal));
    const types = events.map((e) => e.type);
    const at = types.indexOf('retry');
    assert.ok(at > 0, 'expected a retry event');
    const partial = events.slice(0, at).map((e) => (e.type === 'text' ? e.text : '')).join('');
    assert.ok(partial.length >= 20 && partial.length < text.length, `partial: ${partial}`);
    assert.match(retries(events)[0].reason, /connection|terminated|ended/i);
    assert.equal(finalText(events), text);
    assert.equal(sim.requests[0].outcome, 'dropped');
    assert.equal(sim.requests[1].outcome, 'completed');
  });

  it('abandons a stalled stream after the idle timeout and retries', async () => {
    sim = await startSimulator({ respond: script([{ text: 'late', fault: { hangMs: 20_000 } }, { text: 'fresh' }]) });
    // The watchdog also times the retry's answer: 2 s (not 300 ms) so a loaded machine's pause
    // in the local simulator does not count as a stall; the first answer hangs 20 s.
    const events = await collect(model(sim.url, { idleTimeoutMs: 2000 }).stream(req('x'), new AbortController().signal));
    assert.match(retries(events)[0].reason, /stalled/);
    assert.equal(finalText(events), 'fresh');
    assert.equal(await within(sim.requests[0].finished, 20_000, 'disconnect'), 'disconnected');
  });

  it('turns 401 into a ModelError saying how to set a key, without retrying', async () => {
    sim = await startSimulator({ apiKey: 'sk-right-key-000000' });
    const err = await rejection(collect(model(sim.url, { dialect: 'moonshot' }).stream(req('x'), new AbortController().signal)));
    assert.ok(err instanceof ModelError);
    assert.equal(err.status, 401);
    assert.match(err.message, /rejected the API key/);
    assert.match(err.message, /MOONSHOT_API_KEY/);
    assert.match(err.message, /SwarmCode: Set API Key/);
    assert.equal(sim.requests.length, 1);
    const ok = await collect(model(sim.url, { apiKey: 'sk-right-key-000000' }).stream(req('x'), new AbortController().signal));
    assert.equal(finalText(ok), 'You said: x');
  });

  it('refuses to call Moonshot without a key, with the same hint', async () => {
    const err = await rejection(collect(model('https://api.moonshot.ai/v1', { apiKey: undefined }).stream(req('x'), new AbortController().signal)));
    assert.ok(err instanceof ModelError);
    assert.match(err.message, /MOONSHOT_API_KEY/);
  });

  it('turns 404 into a ModelError naming the model and the URL', async () => {
    sim = await startSimulator({ models: ['kimi-k2.5'] });
    const err = await rejection(collect(model(sim.url, { model: 'kimi-k9' }).stream(req('x'), new AbortController().signal)));
    assert.ok(err instanceof ModelError);
    assert.equal(err.status, 404);
    assert.match(err.message, /"kimi-k9"/);
    assert.ok(err.message.includes(sim.url), err.message);
    const wrongPath = await rejection(collect(model(sim.url.replace(/\/v1$/, '/v2')).stream(req('x'), new AbortController().signal)));
    assert.ok(wrongPath instanceof ModelError && wrongPath.status === 404);
  });

  it('gives up after maxRetries with a ModelError', async () => {
    sim = await startSimulator({ respond: () => ({ fault: { status: 503, body: 'overloaded' } }) });
    const seen: ModelEvent[] = [];
    const err = await rejection(
      (async () => {
        for await (const e of model(sim!.url, { maxRetries: 2 }).stream(req('x'), new AbortController().signal)) seen.push(e);
      })(),
    );
    assert.ok(err instanceof ModelError);
    assert.equal(err.status, 503);
    assert.match(err.message, /after 3 attempts/);
    assert.match(err.message, /overloaded/);
    assert.equal(retries(seen).length, 2);
    assert.equal(sim.requests.length, 3);
  });

  it('retries when the endpoint cannot be reached, then reports it', async () => {
    const closed = await startSimulator();
    const url = closed.url;
    await closed.close();
    const err = await rejection(collect(model(url, { maxRetries: 1 }).stream(req('x'), new AbortController().signal)));
    assert.ok(err instanceof ModelError);
    assert.match(err.message, /after 2 attempts: connection/);
  });
});

describe('model/openai: cancellation', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('abort mid-stream throws AbortError and closes the HTTP stream', async () => {
    sim = await startSimulator({ respond: script([{ text: 'slow '.repeat(400), latency: { tokensPerSec: 50 } }]) });
    const ac = new AbortController();
    let texts = 0;
    const err = await rejection(
      (async () => {
        for await (const e of model(sim!.url).stream(req('x'), ac.signal)) {
          if (e.type === 'text' && ++texts === 3) ac.abort();
        }
      })(),
    );
    assert.equal(err.name, 'AbortError');
    assert.equal(texts, 3);
    assert.equal(await within(sim.requests[0].finished, 20_000, 'the simulator to see the disconnect'), 'disconnected');
    assert.equal(sim.requests.length, 1, 'an aborted request must not be retried');
  });

  it('nothing reaches the caller after its abort, even deltas that came in the same read (a slow consumer)', async () => {
    sim = await startSimulator({ respond: script([{ text: 'slow '.repeat(400), latency: { tokensPerSec: 50 } }]) });
    const ac = new AbortController();
    let texts = 0;
    const err = await rejection(
      (async () => {
        for await (const e of model(sim!.url).stream(req('x'), ac.signal)) {
          if (e.type !== 'text') continue;
          // A loaded machine: the consumer holds the thread while ~15 deltas (50 a second) pile
          // up in the socket; the next read takes them all, and the SDK decodes them at once.
          if (++texts === 1) for (const t = Date.now(); Date.now() - t < 300; );
          if (texts === 3) ac.abort();
        }
      })(),
    );
    assert.equal(err.name, 'AbortError');
    assert.equal(texts, 3, 'text events after the abort');
  });

  it('abort during a Retry-After wait stops waiting', async function () {
    this.timeout(10_000); // the server asks for 30 s
    sim = await startSimulator({ respond: script([{ fault: { status: 429, retryAfter: 30 } }, { text: 'never' }]) });
    const ac = new AbortController();
    const err = await rejection(
      (async () => {
        for await (const e of model(sim!.url).stream(req('x'), ac.signal)) if (e.type === 'retry') ac.abort();
      })(),
    );
    assert.equal(err.name, 'AbortError');
    assert.equal(sim.requests.length, 1);
  });
});

describe('model/retry: policy', () => {
  it('parses Retry-After seconds, HTTP dates and retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '3' }), now), 3000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 31 Dec 2025 00:00:05 GMT' }), now), 0);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(parseRetryAfter(new Headers(), now), undefined);
  });

  it('backs off exponentially with jitter, capped; Retry-After wins but is capped too', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    assert.equal(backoffDelay(1, undefined, opts, () => 0), 50);
    assert.equal(backoffDelay(1, undefined, opts, () => 1), 100);
    assert.equal(backoffDelay(3, undefined, opts, () => 1), 400);
    assert.equal(backoffDelay(10, undefined, opts, () => 1), 1000);
    assert.equal(backoffDelay(10, undefined, opts, () => 0), 500);
    assert.equal(backoffDelay(1, 700, opts), 700);
    assert.equal(backoffDelay(1, 5000, opts), 1000);
  });
});
