import assert from 'node:assert/strict';
import { EDGE_MARGIN_MS, MAX_PAUSE_MS, Scheduler, WINDOW_MS } from '../../../server/swarm/scheduler';
import { ManualClock } from '../../support/clock';

const tick = () => new Promise((r) => setImmediate(r));

describe('swarm/scheduler', () => {
  it('caps concurrent requests and serves the queue in order', async () => {
    const s = new Scheduler({ concurrency: 2, rpm: 0, tpm: 0 });
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const all = [0, 1, 2, 3].map((i) =>
      s.acquire(10, new AbortController().signal).then((lease) => {
        order.push(i);
        releases.push(lease.release);
      }),
    );
    await tick();
    assert.deepEqual(order, [0, 1]);
    assert.equal(s.running, 2);
    assert.equal(s.queued, 2);
    releases[0]();
    releases[0](); // idempotent: does not free a second slot
    await tick();
    assert.deepEqual(order, [0, 1, 2]);
    releases[1]();
    await Promise.all(all);
    assert.deepEqual(order, [0, 1, 2, 3]);
    assert.equal(s.peak, 2);
  });

  it('serves waiting requests by priority, then in arrival order', async () => {
    const s = new Scheduler({ concurrency: 1, rpm: 0, tpm: 0 });
    const hold = await s.acquire(1, new AbortController().signal);
    const order: string[] = [];
    const wait = (name: string, priority: number) =>
      s.acquire(1, new AbortController().signal, priority).then((lease) => {
        order.push(name);
        lease.release();
      });
    const all = [wait('late-agent', 5), wait('early-agent', 1), wait('orchestrator', 0), wait('early-agent-2', 1)];
    hold.release();
    await Promise.all(all);
    assert.deepEqual(order, ['orchestrator', 'early-agent', 'early-agent-2', 'late-agent']);
  });

  it('removes an aborted waiter from the queue', async () => {
    const s = new Scheduler({ concurrency: 1, rpm: 0, tpm: 0 });
    const first = await s.acquire(1, new AbortController().signal);
    const ctl = new AbortController();
    const waiting = s.acquire(1, ctl.signal);
    ctl.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    assert.equal(s.queued, 0);
    first.release();
    assert.equal(s.running, 0);
  });

  it('holds requests beyond the requests-per-minute window', async () => {
    const s = new Scheduler({ concurrency: 10, rpm: 2, tpm: 0 });
    let granted = 0;
    for (let i = 0; i < 3; i++) void s.acquire(1, new AbortController().signal).then(() => granted++);
    await tick();
    assert.equal(granted, 2, 'the third request waits for the minute window');
    assert.equal(s.queued, 1);
  });

  it('holds requests beyond the tokens-per-minute budget, but admits one oversized request alone', async () => {
    const s = new Scheduler({ concurrency: 10, rpm: 0, tpm: 1000 });
    let granted = 0;
    void s.acquire(600, new AbortController().signal).then(() => granted++);
    void s.acquire(600, new AbortController().signal).then(() => granted++);
    await tick();
    assert.equal(granted, 1);
    const lone = new Scheduler({ concurrency: 10, rpm: 0, tpm: 100 });
    await lone.acquire(5000, new AbortController().signal);
    assert.equal(lone.running, 1);
  });
});

describe('swarm/scheduler: pauses and provider reports (manual clock)', () => {
  const granted = (s: Scheduler, n: number, tokens = 1) => {
    const got: number[] = [];
    for (let i = 0; i < n; i++) void s.acquire(tokens, new AbortController().signal).then((l) => (got.push(i), l.release()));
    return got;
  };

  it('a pause holds every new request until it ends, and a hostile length is capped at two minutes', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 4, rpm: 0, tpm: 0 }, clock);
    s.pause(Number.NaN);
    s.pause(-5);
    s.pause(Infinity);
    assert.equal(clock.pending, 0, 'an unreadable pause sets no timer');
    s.pause(1e12);
    const got = granted(s, 3);
    await tick();
    assert.deepEqual(got, []);
    clock.advance(MAX_PAUSE_MS - 1);
    await tick();
    assert.deepEqual(got, []);
    clock.advance(1);
    await tick();
    assert.deepEqual(got, [0, 1, 2]);
  });

  it('remaining requests 0 holds the next request until the reported reset; remaining tokens hold larger requests', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 4, rpm: 0, tpm: 0 }, clock);
    s.observe({ remainingRequests: 0, resetRequestsMs: 5000 });
    const got = granted(s, 1);
    await tick();
    assert.deepEqual(got, []);
    clock.advance(5000);
    await tick();
    assert.deepEqual(got, [0]);

    s.observe({ remainingRequests: 100, resetRequestsMs: 1000, remainingTokens: 500, resetTokensMs: 8000 });
    const small = granted(s, 1, 400);
    await tick();
    assert.deepEqual(small, [0], 'a request the provider still has room for goes');
    const big = granted(s, 1, 400);
    await tick();
    assert.deepEqual(big, [], 'only 100 tokens are left until the reset');
    clock.advance(8000);
    await tick();
    assert.deepEqual(big, [0]);
  });

  it('a retry of a request holding a slot waits for the windows, not for a free slot', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 1, rpm: 1, tpm: 0 }, clock);
    const lease = await s.acquire(1, new AbortController().signal);
    const waiting = granted(s, 1);
    let retried = false;
    void lease.resend(1, new AbortController().signal).then(() => (retried = true));
    await tick();
    assert.equal(retried, false, 'rpm 1: the retry is a second request in the window');
    clock.advance(WINDOW_MS + EDGE_MARGIN_MS);
    await tick();
    assert.equal(retried, true, 'the retry goes first, without a second slot');
    assert.deepEqual(waiting, []);
    lease.release();
    clock.advance(WINDOW_MS + EDGE_MARGIN_MS);
    await tick();
    assert.deepEqual(waiting, [0]);
  });
  it('x-ratelimit-limit-* lowers rpm to the provider\'s limit; limits learned from one endpoint are forgotten for another', async () => {
    const clock = new ManualClock();
    const s = new Scheduler({ concurrency: 8, rpm: 0, tpm: 0, endpoint: 'https://a/v1 kimi' }, clock);
    s.observe({ limitRequests: 2 });
    const got = granted(s, 3);
    await tick();
    assert.deepEqual(got, [0, 1], 'the provider said 2 requests a minute');
    s.setLimits({ concurrency: 8, rpm: 0, tpm: 0, endpoint: 'https://a/v1 kimi' });
    await tick();
    assert.deepEqual(got, [0, 1], 'the same endpoint keeps what it said');
    s.setLimits({ concurrency: 8, rpm: 0, tpm: 0, endpoint: 'http://127.0.0.1:8000/v1 local' });
    await tick();
    assert.deepEqual(got, [0, 1, 2], 'another endpoint starts without it');
  });
});
