// A provider-side rate limiter for the model simulator, like Moonshot's account limits
// (https://platform.moonshot.ai/docs/pricing/limits: requests and tokens "in one minute", 429 past
// them) with OpenAI-style headers on every answer (x-ratelimit-{limit,remaining,reset}-{requests,tokens})
// and Retry-After on a 429. A sliding window over arrival times, inclusive: a request exactly
// 60 s after another still shares its minute. A request's tokens are its prompt plus the
// completion it is answered with; a rejected request counts for nothing.

export interface RateLimitOptions {
  /** Requests per window (0/absent: none). */
  rpm?: number;
  /** Prompt + completion tokens per window (0/absent: none). */
  tpm?: number;
  /** Default 60,000. */
  windowMs?: number;
  /** The limiter's clock (tests pass a manual clock's). Default Date.now. */
  now?: () => number;
}

export type RateDecision = { ok: true; headers: Record<string, string> } | { ok: false; retryAfterSec: number; headers: Record<string, string> };

const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(3)}s`;

export class SimRateLimiter {
  private hits: { at: number; tokens: number }[] = [];
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: RateLimitOptions) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Admits (and counts) a request of `tokens`, or says how long until it would fit. */
  check(tokens: number): RateDecision {
    const now = this.now();
    this.hits = this.hits.filter((h) => now - h.at <= this.windowMs);
    const rpm = this.opts.rpm ?? 0;
    const tpm = this.opts.tpm ?? 0;
    const used = this.hits.reduce((s, h) => s + h.tokens, 0);
    // The moment (strictly after a hit's window) when the request would fit.
    let fitsAt = now;
    if (rpm > 0 && this.hits.length >= rpm) fitsAt = Math.max(fitsAt, this.hits[this.hits.length - rpm].at + this.windowMs + 1);
    if (tpm > 0 && used + tokens > tpm) {
      let left = used;
      for (const h of this.hits) {
        left -= h.tokens;
        fitsAt = Math.max(fitsAt, h.at + this.windowMs + 1);
        if (left + tokens <= tpm) break;
      }
    }
    const ok = fitsAt <= now;
    if (ok) this.hits.push({ at: now, tokens });
    const headers: Record<string, string> = {};
    const oldest = this.hits[0]?.at;
    const reset = oldest === undefined ? 0 : oldest + this.windowMs + 1 - now;
    if (rpm > 0) {
      headers['x-ratelimit-limit-requests'] = String(rpm);
      headers['x-ratelimit-remaining-requests'] = String(Math.max(0, rpm - this.hits.length));
      headers['x-ratelimit-reset-requests'] = seconds(reset);
    }
    if (tpm > 0) {
      headers['x-ratelimit-limit-tokens'] = String(tpm);
      headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, tpm - this.hits.reduce((s, h) => s + h.tokens, 0)));
      headers['x-ratelimit-reset-tokens'] = seconds(reset);
    }
    return ok ? { ok, headers } : { ok, retryAfterSec: Math.ceil((fitsAt - now) / 1000), headers };
  }
}
