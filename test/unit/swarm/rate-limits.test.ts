// Rate limits that hold, measured where the provider measures them: at the simulator (a real
// OpenAI-compatible HTTP server), through the real provider and the scheduler, with the
// scheduler on a manual clock so that minutes of 60 s windows take no wall time.
//
// The contract (external references):
// - Moonshot, "Recharge and Rate Limits" (https://platform.moonshot.ai/docs/pricing/limits):
//   limits are per account, "RPM: the maximum number of requests you can send to us in one
//   minute", "TPM: the maximum number of tokens you can interact with us in one minute" (input
//   and output), plus a cap on concurrency; exceeding one answers HTTP 429.
// - Kimi help center, "Rate limits" (https://www.kimi.com/help/kimi-api/api-rate-limits): 429 when
//   over the limit; responses carry X-RateLimit-Limit / -Remaining / -Reset.
// - OpenAI-style providers (OpenAI, Cerebras https://inference-docs.cerebras.ai/support/rate-limits)
//   count a request's tokens when it arrives as the prompt estimate plus max_tokens, and send
//   x-ratelimit-remaining-{requests,tokens} and x-ratelimit-reset-{requests,tokens} ("12ms", "6m0s").
// Every retry attempt is a request the provider counts. A window is checked inclusively: any
// interval [t, t + 60 s] must hold at most the budget, so a request exactly 60 s after another
// still shares its window.
import assert from 'node:assert/strict';
import { MAX_PAUSE_MS, Scheduler } from '../../../server/swarm/scheduler';
import { scheduled } from '../../../server/swarm/scheduled';
import type { ModelRequest } from '../../../server/model/types';
import { ManualClock } from '../../support/clock';
import { perConversation, serializePrompt, startSimulator, type Responder, type Simulator, type Turn } from '../../support/simulator';
import { collect, model, req } from '../model/helpers';

const WINDOW_MS = 60_000;

interface Send {
  at: number;
  tokens: number;
  conversation: string;
}

/** The worst inclusive 60 s window over the sends: most requests and most tokens. */
function worstWindow(sends: Send[]): { requests: number; tokens: number } {
  let requests = 0;
  let tokens = 0;
  for (const s of sends) {
    const inside = sends.filter((o) => o.at >= s.at && o.at <= s.at + WINDOW_MS);
    requests = Math.max(requests, inside.length);
    tokens = Math.max(tokens, inside.reduce((sum, o) => sum + o.tokens, 0));
  }
  return { requests, tokens };
}

const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls (real time) until `cond` holds; fails after 10 s, saying `what` it waited for. */
async function untilReal(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await realSleep(5);
  }
}

/**
 * A simulator whose every answer is recorded with the manual clock's time and its real token
 * count (prompt + completion, as the simulator reports usage).
 */
async function recordingSimulator(clock: ManualClock, respond: Responder): Promise<{ sim: Simulator; sends: Send[] }> {
  const sends: Send[] = [];
  const sim = await startSimulator({
    chunkChars: 4000,
    respond: async (body, info) => {
      const turn = await respond(body, info);
      const out = (turn.text ?? '').length + (turn.reasoning ?? '').length;
      const tokens = turn.fault ? 0 : Math.ceil(serializePrompt(body).length / 4) + Math.ceil(out / 4);
      sends.push({ at: clock.now(), tokens, conversation: info.conversation });
      return turn;
    },
  });
  return { sim, sends };
}

/**
 * Runs `agents` concurrent agents of `steps` sequential requests each through one scheduler,
 * moving the manual clock to the next timer whenever every unfinished agent is waiting on the
 * scheduler (nothing else can happen until time passes).
 */
async function runAgents(
  scheduler: Scheduler,
  clock: ManualClock,
  url: string,
  agents: number,
  steps: number,
  extra: Partial<ModelRequest> = {},
): Promise<void> {
  const provider = model(url, { maxRetries: 3, backoff: { baseMs: 1, maxMs: 20 } });
  const wrapped = scheduled(provider, scheduler);
  let unfinished = agents;
  let failure: unknown;
  const all = Array.from({ length: agents }, async (_, i) => {
    try {
      for (let k = 0; k < steps; k++) await collect(wrapped.stream(req(`agent ${i}`, extra), new AbortController().signal));
    } catch (err) {
      failure ??= err;
    } finally {
      unfinished--;
    }
  });
  const deadline = Date.now() + 20_000;
  while (unfinished > 0 && failure === undefined) {
    assert.ok(Date.now() < deadline, `agents still running after 20 s of wall time (virtual ${clock.now()})`);
    await realSleep(2);
    if (scheduler.queued === unfinished && scheduler.queued > 0) {
      assert.ok(clock.advanceToNext(), 'every agent waits on the scheduler but no timer is set');
    }
  }
  await Promise.all(all);
  if (failure !== undefined) throw failure;
}

describe('swarm/scheduler rate limits, measured at the endpoint', function () {
  this.timeout(30_000);
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('tpm 20,000 with 16 agents receiving 10k-token replies never lets more than 20,000 tokens into any 60 s window', async () => {
    const clock = new ManualClock();
    const big: Turn = { text: 'x'.repeat(40_000) }; // 10,000 completion tokens
    const rec = await recordingSimulator(clock, () => big);
    sim = rec.sim;
    const scheduler = new Scheduler({ concurrency: 16, rpm: 0, tpm: 20_000 }, clock);
    // Requests that name no output cap (today's agents) and requests that name one.
    await runAgents(scheduler, clock, sim.url, 16, 2);
    await runAgents(scheduler, clock, sim.url, 16, 1, { maxTokens: 12_000 });
    assert.equal(rec.sends.length, 48);
    const worst = worstWindow(rec.sends);
    assert.ok(worst.tokens <= 20_000, `${worst.tokens} tokens went out in one 60 s window (tpm 20,000)`);
  });

  it('books a response at its actual usage once it arrives, freeing the rest of its output cap', async () => {
    const clock = new ManualClock();
    const rec = await recordingSimulator(clock, () => ({ text: 'y'.repeat(8_000) })); // 2,000 tokens
    sim = rec.sim;
    const scheduler = new Scheduler({ concurrency: 1, rpm: 0, tpm: 20_000 }, clock);
    // Each request is booked at 16,000 + its prompt: two do not fit into 20,000 at once, but
    // after the first answer used ~2,000 the second fits in the same minute.
    await runAgents(scheduler, clock, sim.url, 1, 2, { maxTokens: 16_000 });
    assert.equal(rec.sends.length, 2);
    assert.equal(rec.sends[1].at, rec.sends[0].at, 'the second request waited for a window its predecessor no longer fills');
  });

  it('rpm 10 never lets 11 requests into any 60 s window measured at send time', async () => {
    const clock = new ManualClock();
    const rec = await recordingSimulator(clock, () => ({ text: 'ok' }));
    sim = rec.sim;
    const scheduler = new Scheduler({ concurrency: 16, rpm: 10, tpm: 0 }, clock);
    await runAgents(scheduler, clock, sim.url, 16, 2);
    assert.equal(rec.sends.length, 32);
    const worst = worstWindow(rec.sends);
    assert.ok(worst.requests <= 10, `${worst.requests} requests went out in one 60 s window (rpm 10)`);
  });

  it('counts every retry attempt as a request in the rpm window', async () => {
    const clock = new ManualClock();
    // Each conversation's first attempt fails with a 503 and is retried by the provider.
    const rec = await recordingSimulator(
      clock,
      perConversation(() => {
        let n = 0;
        return () => (n++ === 0 ? { fault: { status: 503 } } : { text: 'ok' });
      }),
    );
    sim = rec.sim;
    const scheduler = new Scheduler({ concurrency: 3, rpm: 3, tpm: 0 }, clock);
    await runAgents(scheduler, clock, sim.url, 3, 1);
    assert.equal(rec.sends.length, 6);
    const worst = worstWindow(rec.sends);
    assert.ok(worst.requests <= 3, `${worst.requests} requests (retries included) went out in one 60 s window (rpm 3)`);
  });

  it('a 429 with Retry-After pauses every request sharing the scheduler, not just the one that got it', async () => {
    const clock = new ManualClock();
    let first = true;
    const rec = await recordingSimulator(clock, () => {
      if (!first) return { text: 'ok' };
      first = false;
      return { fault: { status: 429, retryAfter: '30', body: { error: { message: 'rate limit reached', type: 'rate_limit_reached_error' } } } };
    });
    sim = rec.sim;
    const scheduler = new Scheduler({ concurrency: 4, rpm: 0, tpm: 0 }, clock);
    const wrapped = scheduled(model(sim.url, { maxRetries: 3, backoff: { baseMs: 1, maxMs: 20 } }), scheduler);
    const run = (name: string) => collect(wrapped.stream(req(name), new AbortController().signal));
    const a = run('agent a');
    await sim.waitForRequests(1);
    await rec.sim.requests[0].finished; // the 429 has been answered
    // The provider has read it (the pause is set) and its retry waits on the scheduler: only
    // then do the others start. A fixed sleep here raced a slow machine, where b, c and d could
    // go out before the provider had taken in the 429.
    await untilReal(() => scheduler.queued === 1, 'the retry of agent a waits on the pause');
    const others = [run('agent b'), run('agent c'), run('agent d')];
    await untilReal(() => rec.sends.length > 1 || scheduler.queued === 4, 'b, c and d wait on the pause too (or went out)');
    assert.equal(rec.sends.length, 1, 'requests went out during the Retry-After pause');
    clock.advance(29_999);
    await realSleep(20);
    assert.equal(rec.sends.length, 1, 'requests went out before the Retry-After pause ended');
    clock.advance(1);
    await Promise.all([a, ...others]);
    assert.equal(rec.sends.length, 5);
    for (const s of rec.sends.slice(1)) assert.ok(s.at >= rec.sends[0].at + 30_000, `${s.conversation} went out ${s.at - rec.sends[0].at} ms after the 429`);
  });

  it('a hostile Retry-After pauses two minutes at most, and a request cancelled during the pause leaves nothing held', async () => {
    const clock = new ManualClock();
    let n = 0;
    const rec = await recordingSimulator(clock, () => (n++ === 0 ? { fault: { status: 429, retryAfter: '999999999' } } : { text: 'ok' }));
    sim = rec.sim;
    const scheduler = new Scheduler({ concurrency: 4, rpm: 0, tpm: 0 }, clock);
    const wrapped = scheduled(model(sim.url, { maxRetries: 3, backoff: { baseMs: 1, maxMs: 20 } }), scheduler);
    const ctl = new AbortController();
    const cancelled = collect(wrapped.stream(req('agent a'), ctl.signal));
    await untilReal(() => scheduler.queued >= 1, 'the retry waits on the pause');
    assert.equal(scheduler.queued, 1, 'the retry waits on the pause');
    ctl.abort(new DOMException('cancelled by the test', 'AbortError'));
    await assert.rejects(cancelled, /cancelled by the test/);
    assert.equal(scheduler.queued, 0);
    assert.equal(scheduler.running, 0);
    const later = collect(wrapped.stream(req('agent b'), new AbortController().signal));
    await realSleep(20);
    assert.equal(rec.sends.length, 1);
    clock.advance(MAX_PAUSE_MS);
    await later;
    assert.equal(rec.sends.length, 2);
    assert.equal(rec.sends[1].at - rec.sends[0].at, MAX_PAUSE_MS, 'Retry-After 999999999 s is capped at two minutes');
  });

  it('against a provider-side limiter with the same rpm and tpm, 16 agents never draw a 429', async () => {
    const clock = new ManualClock();
    sim = await startSimulator({
      chunkChars: 4000,
      rateLimit: { rpm: 10, tpm: 20_000, now: () => clock.now() },
      respond: () => ({ text: 'z'.repeat(20_000) }), // 5,000 tokens
    });
    const scheduler = new Scheduler({ concurrency: 16, rpm: 10, tpm: 20_000 }, clock);
    await runAgents(scheduler, clock, sim.url, 16, 2, { maxTokens: 8000 });
    assert.equal(sim.requests.length, 32);
    assert.deepEqual(sim.requests.filter((r) => r.status !== 200).map((r) => r.status), []);
  });

  it('with no limits set, the provider\'s x-ratelimit-limit-* headers and 429s teach the scheduler: only the first burst is refused', async () => {
    const clock = new ManualClock();
    const arrived: number[] = [];
    sim = await startSimulator({
      rateLimit: { rpm: 5, now: () => clock.now() },
      respond: (_body, info) => {
        arrived[info.index] = clock.now();
        return { text: 'ok' };
      },
    });
    const scheduler = new Scheduler({ concurrency: 16, rpm: 0, tpm: 0 }, clock);
    await runAgents(scheduler, clock, sim.url, 16, 2);
    const refused = sim.requests.filter((r) => r.status === 429);
    assert.equal(sim.requests.length - refused.length, 32, 'every request was answered in the end');
    assert.ok(refused.length <= 11, `${refused.length} requests refused`);
    const start = arrived[0];
    assert.deepEqual(refused.filter((r) => arrived[r.index] !== start).map((r) => arrived[r.index] - start), [], 'a 429 after the first burst');
  });

  it('x-ratelimit-remaining-* and x-ratelimit-reset-* headers hold the next requests until the reset', async () => {
    const clock = new ManualClock();
    let n = 0;
    const rec = await recordingSimulator(clock, () =>
      n++ === 0 ? { text: 'ok', headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s', 'x-ratelimit-limit-requests': '3' } } : { text: 'ok' },
    );
    sim = rec.sim;
    const scheduler = new Scheduler({ concurrency: 4, rpm: 0, tpm: 0 }, clock);
    await runAgents(scheduler, clock, sim.url, 1, 3);
    assert.equal(rec.sends.length, 3);
    assert.ok(rec.sends[1].at >= rec.sends[0].at + 20_000, `the second request went out ${rec.sends[1].at - rec.sends[0].at} ms after remaining-requests 0, reset 20s`);
  });
});
