// Reading a provider's rate-limit headers. Formats:
// - OpenAI-style x-ratelimit-{limit,remaining,reset}-{requests,tokens}, resets as Go durations
//   ("12ms", "9ms", "6m0s"; OpenAI community thread "How to get rate limit reset time",
//   https://community.openai.com/t/how-to-get-rate-limit-reset-time-for-response-api/1268905).
// - Kimi help center, "Rate limits" (https://www.kimi.com/help/kimi-api/api-rate-limits):
//   X-RateLimit-Limit / X-RateLimit-Remaining / X-RateLimit-Reset ("time when the limit resets").
// - Retry-After (RFC 9110 §10.2.3: delta-seconds or an HTTP date) and OpenAI's retry-after-ms.
import assert from 'node:assert/strict';
import { parseRateLimitHeaders, parseResetMs } from '../../../server/model/rate-limit-headers';

const now = Date.parse('2026-01-01T00:00:00Z');

describe('model/rate-limit-headers', () => {
  it('reads resets as Go durations, seconds, Unix times and dates', () => {
    assert.equal(parseResetMs('6m0s', now), 360_000);
    assert.equal(parseResetMs('1.2s', now), 1200);
    assert.equal(parseResetMs('42ms', now), 42);
    assert.equal(parseResetMs('1h2m3s', now), 3_723_000);
    assert.equal(parseResetMs('20', now), 20_000);
    assert.equal(parseResetMs(String(now / 1000 + 30), now), 30_000);
    assert.equal(parseResetMs(String(now + 1500), now), 1500);
    assert.equal(parseResetMs('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseResetMs(String(now / 1000 - 30), now), 0, 'a reset in the past is now');
  });

  it('ignores unreadable values instead of guessing', () => {
    for (const bad of ['', '  ', 'soon', '-5', '5 minutes', '1e9', 'NaN', '6x', 'ms']) assert.equal(parseResetMs(bad, now), undefined, bad);
    assert.deepEqual(parseRateLimitHeaders(new Headers({ 'x-ratelimit-remaining-requests': 'many', 'x-ratelimit-reset-requests': 'later', 'x-ratelimit-remaining-tokens': '-3' }), now), {});
    assert.deepEqual(parseRateLimitHeaders(undefined, now), {});
  });

  it('reads the OpenAI-style and the Kimi-style headers', () => {
    const openai = new Headers({
      'x-ratelimit-limit-requests': '5000',
      'x-ratelimit-remaining-requests': '4999',
      'x-ratelimit-reset-requests': '12ms',
      'x-ratelimit-remaining-tokens': '159976',
      'x-ratelimit-reset-tokens': '9ms',
    });
    assert.deepEqual(parseRateLimitHeaders(openai, now), { limitRequests: 5000, remainingRequests: 4999, resetRequestsMs: 12, remainingTokens: 159_976, resetTokensMs: 9 });
    const kimi = new Headers({ 'X-RateLimit-Limit': '200', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(now / 1000 + 7) });
    assert.deepEqual(parseRateLimitHeaders(kimi, now), { limitRequests: 200, remainingRequests: 0, resetRequestsMs: 7000 });
    assert.deepEqual(parseRateLimitHeaders(new Headers({ 'retry-after': '3' }), now), { retryAfterMs: 3000 });
  });
});
