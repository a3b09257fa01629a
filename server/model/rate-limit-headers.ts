// What a provider's response headers say about its rate limits, for the scheduler in front of it.
// OpenAI style (also Groq, Cerebras, many gateways): x-ratelimit-{limit,remaining,reset}-{requests,tokens},
// resets written as Go durations ("12ms", "1.2s", "6m0s"). Kimi's help center names
// X-RateLimit-Limit / -Remaining / -Reset (requests), a reset as seconds or a time. Retry-After
// and retry-after-ms on a 429 (see parseRetryAfter).
import { parseRetryAfter } from './retry';

export interface RateLimitInfo {
  /** The provider's request limit (taken as per minute). */
  limitRequests?: number;
  /** The provider's token limit (taken as per minute). */
  limitTokens?: number;
  /** Requests left in the provider's current window. */
  remainingRequests?: number;
  /** Milliseconds until the request window resets. */
  resetRequestsMs?: number;
  /** Tokens left in the provider's current window. */
  remainingTokens?: number;
  /** Milliseconds until the token window resets. */
  resetTokensMs?: number;
  /** Retry-After / retry-after-ms, in milliseconds. */
  retryAfterMs?: number;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/**
 * A reset written as a Go duration ("6m0s", "1.2s", "42ms"), a number (seconds from now, or a
 * Unix time in seconds or milliseconds when that large), or an HTTP/ISO date. Milliseconds from
 * `now`; undefined when unreadable.
 */
export function parseResetMs(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    if (n >= 1e12) return Math.max(0, n - now);
    if (n >= 1e9) return Math.max(0, n * 1000 - now);
    return n * 1000;
  }
  if (/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(text)) {
    let ms = 0;
    for (const [, num, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) ms += Number(num) * UNIT_MS[unit];
    return Number.isFinite(ms) ? ms : undefined;
  }
  // Only an HTTP date ("Thu, 01 Jan 2026 …") or an ISO time: Date.parse alone reads "-5" as a year.
  if (!/^[A-Za-z]{3}, \d/.test(text) && !/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function count(value: string | null): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Math.floor(Number(text));
}

/** The rate-limit state a response's headers report; fields the headers lack stay undefined. */
export function parseRateLimitHeaders(headers: Headers | undefined | null, now = Date.now()): RateLimitInfo {
  if (!headers || typeof headers.get !== 'function') return {};
  const info: RateLimitInfo = {
    limitRequests: count(headers.get('x-ratelimit-limit-requests') ?? headers.get('x-ratelimit-limit')),
    limitTokens: count(headers.get('x-ratelimit-limit-tokens')),
    remainingRequests: count(headers.get('x-ratelimit-remaining-requests') ?? headers.get('x-ratelimit-remaining')),
    resetRequestsMs: parseResetMs(headers.get('x-ratelimit-reset-requests') ?? headers.get('x-ratelimit-reset'), now),
    remainingTokens: count(headers.get('x-ratelimit-remaining-tokens')),
    resetTokensMs: parseResetMs(headers.get('x-ratelimit-reset-tokens'), now),
    retryAfterMs: parseRetryAfter(headers, now),
  };
  for (const key of Object.keys(info) as (keyof RateLimitInfo)[]) if (info[key] === undefined) delete info[key];
  return info;
}
