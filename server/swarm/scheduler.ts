// The global gate in front of the model endpoint: a cap on concurrent requests with a priority
// queue, plus requests-per-minute and tokens-per-minute windows that hold at the provider:
// - each request is booked with its prompt estimate plus its whole output cap (what the provider
//   counts when it arrives), then corrected to the tokens the response actually used;
// - a booking is stamped when the request goes out, and every retry attempt is a new booking;
// - a booking counts until a margin past the window's end, so no two requests `rpm` apart are
//   ever 60 s or less apart at the provider;
// - the provider's 429 Retry-After pauses every request, and its x-ratelimit-* headers hold the
//   next requests until the reset they name; its x-ratelimit-limit-* headers tighten rpm / tpm
//   to the provider's own limits when those are lower (or none are set).
// Waiting is abortable.
import type { RateLimitInfo } from '../model/rate-limit-headers';

export interface SchedulerLimits {
  concurrency: number;
  /** 0 = unlimited */
  rpm: number;
  /** 0 = unlimited */
  tpm: number;
  /** Output tokens booked for a request that names no cap of its own (default 32,768). */
  outputTokens?: number;
  /** Which endpoint the limits are for: limits learned from another endpoint's headers are forgotten. */
  endpoint?: string;
}

/** Time source and timers (tests inject a manual clock so a minute of windows takes no wall time). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export const WINDOW_MS = 60_000;
/** A booking counts this long past the window's end: the way from our send stamp to the provider's. */
export const EDGE_MARGIN_MS = 1000;
/** The longest pause a provider's Retry-After or reset header imposes (a hostile value waits no longer). */
export const MAX_PAUSE_MS = 2 * WINDOW_MS;
export const DEFAULT_OUTPUT_TOKENS = 32_768;

interface Booking {
  at: number;
  tokens: number;
}

interface Waiter {
  tokens: number;
  /** Lower is served first; equal priorities are first come, first served. */
  priority: number;
  /** A retry of a request that already holds a concurrency slot: waits for the windows only. */
  holdsSlot: boolean;
  resolve(booking: Booking): void;
  reject(err: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/** A granted request: its concurrency slot and its latest booking in the rate windows. */
export interface Lease {
  /** The request goes out now: its booking is stamped with this moment. */
  sent(): void;
  /** Waits until the windows admit another attempt of `tokens` (a retry is a new request) and books it. */
  resend(tokens: number, signal: AbortSignal): Promise<void>;
  /** Corrects the latest booking to the tokens the response actually used. */
  settle(tokens: number): void;
  /** Frees the concurrency slot (idempotent); the bookings stay in their windows. */
  release(): void;
}

/** The lower of two limits where 0 / undefined means none. */
function tighter(configured: number, learned: number | undefined): number {
  if (!learned || learned <= 0) return configured;
  return configured > 0 ? Math.min(configured, learned) : learned;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

export class Scheduler {
  private active = 0;
  private readonly queue: Waiter[] = [];
  /** Bookings of requests sent inside the last window (plus margin), oldest first. */
  private readonly bookings: Booking[] = [];
  private pausedUntil = 0;
  /** What the provider last reported: requests and tokens left until a reset. */
  private provider: { requests?: { left: number; until: number }; tokens?: { left: number; until: number } } = {};
  /** The provider's own per-minute limits, from its x-ratelimit-limit-* headers. */
  private learned: { rpm?: number; tpm?: number } = {};
  private timer: unknown;
  private timerAt = Infinity;
  /** Peak concurrent requests seen (for tests and benchmarks). */
  peak = 0;

  constructor(
    private limits: SchedulerLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  setLimits(limits: SchedulerLimits): void {
    if (limits.endpoint !== this.limits.endpoint) {
      this.learned = {};
      this.provider = {};
    }
    this.limits = limits;
    this.pump();
  }

  /** Output tokens booked for a request without its own cap. */
  get outputTokens(): number {
    return this.limits.outputTokens && this.limits.outputTokens > 0 ? this.limits.outputTokens : DEFAULT_OUTPUT_TOKENS;
  }

  get running(): number {
    return this.active;
  }

  /** Waiters: new requests and retries held by the windows. */
  get queued(): number {
    return this.queue.length;
  }

  now(): number {
    return this.clock.now();
  }

  /**
   * Waits for a slot and room in the windows; the lease books `estimatedTokens` now. Waiters
   * are served by `priority` (lower first), then in arrival order.
   */
  async acquire(estimatedTokens: number, signal: AbortSignal, priority = 0): Promise<Lease> {
    let booking = await this.wait(estimatedTokens, signal, priority, false);
    let released = false;
    return {
      sent: () => {
        this.restamp(booking, this.clock.now());
      },
      resend: async (tokens, s) => {
        booking = await this.wait(tokens, s, -Infinity, true);
      },
      settle: (tokens) => {
        booking.tokens = Math.max(0, tokens);
        this.pump();
      },
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        this.pump();
      },
    };
  }

  /** Holds every request (new ones and retries) for `ms`, e.g. the provider's 429 Retry-After. */
  pause(ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0) return;
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.min(ms, MAX_PAUSE_MS));
    this.pump();
  }

  /** Takes in what a response's rate-limit headers report. */
  observe(info: RateLimitInfo): void {
    const now = this.clock.now();
    const until = (ms: number) => now + Math.min(Math.max(0, ms), MAX_PAUSE_MS);
    if (info.limitRequests) this.learned.rpm = info.limitRequests;
    if (info.limitTokens) this.learned.tpm = info.limitTokens;
    if (info.remainingRequests !== undefined && info.resetRequestsMs !== undefined) {
      this.provider.requests = { left: info.remainingRequests, until: until(info.resetRequestsMs) };
    }
    if (info.remainingTokens !== undefined && info.resetTokensMs !== undefined) {
      this.provider.tokens = { left: info.remainingTokens, until: until(info.resetTokensMs) };
    }
    this.pump();
  }

  private wait(tokens: number, signal: AbortSignal, priority: number, holdsSlot: boolean): Promise<Booking> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        tokens: Math.max(0, tokens),
        priority,
        holdsSlot,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortReason(signal));
          this.pump();
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      const at = this.queue.findIndex((w) => w.priority > priority);
      if (at < 0) this.queue.push(waiter);
      else this.queue.splice(at, 0, waiter);
      this.pump();
    });
  }

  /** Milliseconds until the windows admit a request of `tokens`, 0 when they do now. */
  private rateDelay(tokens: number, now: number): number {
    const span = WINDOW_MS + EDGE_MARGIN_MS;
    while (this.bookings.length && now >= this.bookings[0].at + span) this.bookings.shift();
    const live = this.bookings;
    const rpm = tighter(this.limits.rpm, this.learned.rpm);
    const tpm = tighter(this.limits.tpm, this.learned.tpm);
    let wait = Math.max(0, this.pausedUntil - now);
    if (rpm > 0 && live.length >= rpm) wait = Math.max(wait, live[live.length - rpm].at + span - now);
    if (tpm > 0) {
      let used = live.reduce((sum, b) => sum + b.tokens, 0);
      // A single request larger than the whole budget is admitted alone, rather than never.
      for (let i = 0; used + tokens > tpm && i < live.length && used > 0; i++) {
        used -= live[i].tokens;
        wait = Math.max(wait, live[i].at + span - now);
      }
    }
    const { requests, tokens: left } = this.provider;
    if (requests && now < requests.until && requests.left <= 0) wait = Math.max(wait, requests.until - now);
    if (left && now < left.until && tokens > left.left) wait = Math.max(wait, left.until - now);
    return wait;
  }

  private pump(): void {
    while (this.queue.length) {
      const next = this.queue[0];
      if (!next.holdsSlot && this.active >= Math.max(1, this.limits.concurrency)) return;
      const now = this.clock.now();
      const delay = this.rateDelay(next.tokens, now);
      if (delay > 0) return this.wakeAt(now + delay);
      this.queue.shift();
      next.signal.removeEventListener('abort', next.onAbort);
      const booking = { at: now, tokens: next.tokens };
      this.bookings.push(booking);
      if (this.provider.requests) this.provider.requests.left--;
      if (this.provider.tokens) this.provider.tokens.left -= next.tokens;
      if (!next.holdsSlot) {
        this.active++;
        this.peak = Math.max(this.peak, this.active);
      }
      next.resolve(booking);
    }
  }

  /** Moves a booking to a later stamp, keeping the list in time order. */
  private restamp(booking: Booking, at: number): void {
    if (at <= booking.at) return;
    booking.at = at;
    const i = this.bookings.lastIndexOf(booking);
    if (i < 0) return;
    this.bookings.splice(i, 1);
    let j = this.bookings.length;
    while (j > 0 && this.bookings[j - 1].at > at) j--;
    this.bookings.splice(j, 0, booking);
  }

  private wakeAt(at: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, at - this.clock.now());
  }
}
