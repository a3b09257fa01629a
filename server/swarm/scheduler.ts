// The global gate in front of the model endpoint: a cap on concurrent requests with a FIFO queue,
// plus requests-per-minute and tokens-per-minute windows. Waiting is abortable.
import type { ChatModel, ModelEvent, ModelRequest } from '../model/types';

export interface SchedulerLimits {
  concurrency: number;
  /** 0 = unlimited */
  rpm: number;
  /** 0 = unlimited */
  tpm: number;
}

interface Waiter {
  tokens: number;
  /** Lower is served first; equal priorities are first come, first served. */
  priority: number;
  resolve(release: () => void): void;
  reject(err: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

const WINDOW_MS = 60_000;

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

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

export class Scheduler {
  private active = 0;
  private readonly queue: Waiter[] = [];
  /** [time, tokens] of requests started inside the last minute. */
  private readonly window: [number, number][] = [];
  private timer: unknown;
  /** Peak concurrent requests seen (for tests and benchmarks). */
  peak = 0;

  constructor(
    private limits: SchedulerLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  setLimits(limits: SchedulerLimits): void {
    this.limits = limits;
    this.pump();
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  /**
   * Waits for a slot; the returned function releases it (idempotent). Waiters are served by
   * `priority` (lower first), then in arrival order.
   */
  acquire(estimatedTokens: number, signal: AbortSignal, priority = 0): Promise<() => void> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        tokens: estimatedTokens,
        priority,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortReason(signal));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      const at = this.queue.findIndex((w) => w.priority > priority);
      if (at < 0) this.queue.push(waiter);
      else this.queue.splice(at, 0, waiter);
      this.pump();
    });
  }

  /** Milliseconds until the rate windows admit a request of `tokens`, 0 when they do now. */
  private rateDelay(tokens: number, now: number): number {
    while (this.window.length && now - this.window[0][0] >= WINDOW_MS) this.window.shift();
    const { rpm, tpm } = this.limits;
    let wait = 0;
    if (rpm > 0 && this.window.length >= rpm) wait = Math.max(wait, this.window[this.window.length - rpm][0] + WINDOW_MS - now);
    if (tpm > 0) {
      let used = this.window.reduce((sum, [, t]) => sum + t, 0);
      // A single request larger than the whole budget is admitted alone, rather than never.
      for (let i = 0; used + tokens > tpm && i < this.window.length && used > 0; i++) {
        used -= this.window[i][1];
        wait = Math.max(wait, this.window[i][0] + WINDOW_MS - now);
      }
    }
    return wait;
  }

  private pump(): void {
    while (this.queue.length && this.active < Math.max(1, this.limits.concurrency)) {
      const next = this.queue[0];
      const now = this.clock.now();
      const delay = this.rateDelay(next.tokens, now);
      if (delay > 0) {
        if (!this.timer) {
          this.timer = this.clock.setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, delay);
        }
        return;
      }
      this.queue.shift();
      next.signal.removeEventListener('abort', next.onAbort);
      this.window.push([now, next.tokens]);
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      let released = false;
      next.resolve(() => {
        if (released) return;
        released = true;
        this.active--;
        this.pump();
      });
    }
  }
}

/** Rough prompt size for the TPM window: 4 characters a token. */
export function estimateTokens(request: ModelRequest): number {
  if (request.promptTokens !== undefined) return request.promptTokens + (request.maxTokens ?? 1024);
  let chars = JSON.stringify(request.tools).length;
  for (const m of request.messages) chars += typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content).length;
  return Math.ceil(chars / 4) + (request.maxTokens ?? 1024);
}

/**
 * Wraps a model so each request holds a scheduler slot while it streams. `onActive` gets the
 * milliseconds the request actually ran (queueing excluded): an agent's busy time. `priority`
 * orders waiting requests (lower first); a function is asked afresh for every request.
 */
export function scheduled(model: ChatModel, scheduler: Scheduler, onActive?: (ms: number) => void, priority: number | (() => number) = 0): ChatModel {
  return {
    id: model.id,
    limits: model.limits,
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
      const release = await scheduler.acquire(estimateTokens(request), signal, typeof priority === 'function' ? priority() : priority);
      const started = performance.now();
      try {
        yield* model.stream(request, signal);
      } finally {
        release();
        onActive?.(performance.now() - started);
      }
    },
  };
}
