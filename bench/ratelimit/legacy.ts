// The baseline: the scheduler's booking before issue 10 (commit 07350f0, server/swarm/scheduler.ts),
// kept here only so the benchmark measures old and new in the same run. It books the prompt's
// characters / 4 plus `maxTokens ?? 1024`, stamps the booking at admission, never corrects it
// with the actual usage, lets retries out unbooked and drops a booking exactly 60 s after it.
import type { Clock } from '../../server/swarm/scheduler';
import type { ChatModel, ModelEvent, ModelRequest } from '../../server/model/types';

interface Waiter {
  tokens: number;
  resolve(release: () => void): void;
}

export class LegacyScheduler {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly window: [number, number][] = [];
  private timer: unknown;

  constructor(
    private readonly limits: { concurrency: number; rpm: number; tpm: number },
    private readonly clock: Clock,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  acquire(tokens: number): Promise<() => void> {
    return new Promise((resolve) => {
      this.queue.push({ tokens, resolve });
      this.pump();
    });
  }

  private rateDelay(tokens: number, now: number): number {
    while (this.window.length && now - this.window[0][0] >= 60_000) this.window.shift();
    const { rpm, tpm } = this.limits;
    let wait = 0;
    if (rpm > 0 && this.window.length >= rpm) wait = Math.max(wait, this.window[this.window.length - rpm][0] + 60_000 - now);
    if (tpm > 0) {
      let used = this.window.reduce((sum, [, t]) => sum + t, 0);
      for (let i = 0; used + tokens > tpm && i < this.window.length && used > 0; i++) {
        used -= this.window[i][1];
        wait = Math.max(wait, this.window[i][0] + 60_000 - now);
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
      this.window.push([now, next.tokens]);
      this.active++;
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

function legacyEstimate(request: ModelRequest): number {
  let chars = JSON.stringify(request.tools).length;
  for (const m of request.messages) chars += typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content).length;
  return Math.ceil(chars / 4) + (request.maxTokens ?? 1024);
}

export function legacyScheduled(model: ChatModel, scheduler: LegacyScheduler): ChatModel {
  return {
    id: model.id,
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
      const release = await scheduler.acquire(legacyEstimate(request));
      try {
        yield* model.stream(request, signal);
      } finally {
        release();
      }
    },
  };
}
