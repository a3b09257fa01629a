// Retry policy for model requests: which failures are retried (429, 5xx, connection loss,
// dropped or stalled streams), how long to wait (exponential backoff with jitter, or what the
// server asks for in Retry-After), and the user-facing errors for the rest (400/401/403/404).
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { ModelError } from './types';

export interface BackoffOptions {
  /** First backoff delay before jitter (ms). */
  baseMs: number;
  /** Cap on any single wait, including one asked for by Retry-After (ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000 };

/** What a failed attempt means for the retry loop. */
export type Failure =
  | { kind: 'retry'; reason: string; status?: number; retryAfterMs?: number }
  | { kind: 'fatal'; error: Error };

/** Context used to word user-facing messages. */
export interface ErrorContext {
  baseUrl: string;
  model: string;
  /** Whether the endpoint is Moonshot's hosted API (changes the API-key hint). */
  moonshot: boolean;
}

/** Thrown internally when a stream ends or stalls before the model finished its turn. */
export class StreamInterruptedError extends Error {
  override name = 'StreamInterruptedError';
}

/** Delay before retry `attempt` (1-based). Retry-After wins when present; both are capped. */
export function backoffDelay(attempt: number, retryAfterMs: number | undefined, opts: BackoffOptions, random = Math.random): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(Math.round(retryAfterMs), opts.maxMs);
  }
  const exp = Math.min(opts.baseMs * 2 ** Math.max(0, attempt - 1), opts.maxMs);
  // "Equal jitter": half fixed, half random, so parallel agents spread out but never retry instantly.
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Parses Retry-After (delta-seconds or an HTTP date) and OpenAI's retry-after-ms. */
export function parseRetryAfter(headers: Headers | undefined | null, now = Date.now()): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** An AbortError for `signal` (its reason when that is an Error, else a DOMException). */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** Waits `ms`, rejecting with the AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function serverMessage(err: APIError): string {
  const body = err.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const msg = body?.message ?? body?.error?.message;
  if (typeof msg === 'string' && msg.trim()) return msg.trim();
  return err.message.replace(/^\d{3}\s*/, '').trim() || `HTTP ${err.status}`;
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH',
  'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  return networkCode((err as { cause?: unknown }).cause, depth + 1);
}

/** Decides whether a failed attempt is retried, and words the error the user sees if not. */
export function classifyFailure(err: unknown, ctx: ErrorContext): Failure {
  if (err instanceof ModelError) return { kind: 'fatal', error: err };
  if (err instanceof StreamInterruptedError) return { kind: 'retry', reason: err.message };
  if (err instanceof APIUserAbortError) return { kind: 'retry', reason: 'request aborted' };
  if (err instanceof APIConnectionError) {
    const code = networkCode(err);
    return { kind: 'retry', reason: `connection failed${code ? ` (${code})` : ''}: ${err.message}` };
  }
  if (err instanceof APIError) {
    const status = err.status;
    const msg = serverMessage(err);
    if (status === undefined) {
      // An error object inside the SSE stream (no HTTP status): retry overloads, report the rest.
      const text = `${err.type ?? ''} ${err.code ?? ''} ${msg}`.toLowerCase();
      if (/overload|rate.?limit|server_error|engine_overloaded|timeout|unavailable/.test(text)) {
        return { kind: 'retry', reason: `stream error: ${msg}` };
      }
      return { kind: 'fatal', error: new ModelError(`The model endpoint reported an error: ${msg}`) };
    }
    if (status === 429) return { kind: 'retry', status, reason: `rate limited (429): ${msg}`, retryAfterMs: parseRetryAfter(err.headers) };
    if (status >= 500 || status === 408 || status === 409) {
      return { kind: 'retry', status, reason: `server error (${status}): ${msg}`, retryAfterMs: parseRetryAfter(err.headers) };
    }
    return { kind: 'fatal', error: userError(status, msg, ctx) };
  }
  const code = networkCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code || (err instanceof TypeError && /terminated|fetch failed|socket|network/i.test(message))) {
    return { kind: 'retry', reason: `connection lost${code ? ` (${code})` : ''}: ${message}` };
  }
  if (err instanceof SyntaxError) return { kind: 'retry', reason: `malformed stream data: ${message}` };
  return { kind: 'fatal', error: err instanceof Error ? err : new Error(message) };
}

/** The ModelError for a non-retryable HTTP status. */
export function userError(status: number, serverMsg: string, ctx: ErrorContext): ModelError {
  switch (status) {
    case 401: {
      const how = ctx.moonshot
        ? 'Set a valid key with the command "SwarmCode: Set API Key" (VS Code) or the MOONSHOT_API_KEY environment variable (CLI).'
        : 'Set the key for this endpoint with the command "SwarmCode: Set API Key" (VS Code) or the environment variable named by --api-key-env (CLI, default MOONSHOT_API_KEY).';
      return new ModelError(`The model endpoint ${ctx.baseUrl} rejected the API key (401: ${serverMsg}). ${how}`, status);
    }
    case 403:
      return new ModelError(`The model endpoint ${ctx.baseUrl} refused access to model "${ctx.model}" (403: ${serverMsg}). Check the key's permissions and quota.`, status);
    case 404:
      return new ModelError(`Model "${ctx.model}" or endpoint URL ${ctx.baseUrl} not found (404: ${serverMsg}). Check the model name and the base URL (it usually ends in /v1).`, status);
    case 400:
      return new ModelError(`The model endpoint rejected the request (400): ${serverMsg}`, status);
    default:
      return new ModelError(`The model endpoint answered ${status}: ${serverMsg}`, status);
  }
}
