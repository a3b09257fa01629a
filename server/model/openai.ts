// The OpenAI-compatible provider: Moonshot's hosted Kimi API, vLLM, SGLang, Ollama, LM Studio,
// llama.cpp server... One streamed chat completion per turn, with our own retry loop (the SDK's
// retries are off so that every retry is visible to the agent as a 'retry' event).
import OpenAI, { APIError } from 'openai';
import type { Logger } from '../log';
import type { TokenUsage } from '../protocol';
import { buildBody, encodeBody } from './openai-request';
import { defaultMaxOutputTokens, detectDialect, FALLBACK_CONTEXT_WINDOW, type Dialect } from './dialect';
import {
  DEFAULT_BACKOFF,
  StreamInterruptedError,
  abortError,
  backoffDelay,
  classifyFailure,
  sleep,
  type BackoffOptions,
  type ErrorContext,
} from './retry';
import { ModelError, type ChatModel, type ModelEvent, type ModelLimits, type ModelRequest, type ToolCall } from './types';

export interface OpenAICompatibleOptions {
  /** e.g. https://api.moonshot.ai/v1 or http://127.0.0.1:8000/v1 */
  baseUrl: string;
  /** Missing: Moonshot fails with a "set a key" ModelError; other endpoints get a placeholder. */
  apiKey?: string;
  model: string;
  /** Retries after the first attempt (429, 5xx, connection loss, dropped/stalled stream). */
  maxRetries: number;
  log: Logger;
  /** Thinking switch wire format; detected from baseUrl when omitted. */
  dialect?: Dialect;
  /** Prompt + output tokens the model accepts (default: FALLBACK_CONTEXT_WINDOW). */
  contextWindow?: number;
  /** `max_tokens` for requests that name none; default per dialect (dialect.ts). */
  maxOutputTokens?: number;
  /** Backoff tuning (tests use small values). */
  backoff?: Partial<BackoffOptions>;
  /** An attempt that receives nothing (no headers, no chunk) for this long is abandoned and retried. Default 300 s. */
  idleTimeoutMs?: number;
}

interface PendingCall {
  id?: string;
  name: string;
  arguments: string;
}

/** The subset of a streamed chunk we read (servers add fields the SDK types don't know). */
interface WireChunk {
  choices?: {
    index?: number;
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: { index?: number; id?: string | null; function?: { name?: string | null; arguments?: string | null } }[] | null;
    };
    finish_reason?: string | null;
    usage?: WireUsage | null;
  }[];
  usage?: WireUsage | null;
}
interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  cached_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
}

export function mapUsage(u: WireUsage): TokenUsage {
  const cached = u.prompt_tokens_details?.cached_tokens ?? u.cached_tokens ?? 0;
  return { input: u.prompt_tokens ?? 0, cachedInput: cached ?? 0, output: u.completion_tokens ?? 0 };
}

/**
 * fetch with the request body as UTF-8 bytes: the SDK hands fetch the JSON text, which undici would
 * scan for lone surrogates (toUSVString) and then encode — two passes over the whole conversation
 * per request; Buffer.from is one native pass (lone surrogates become U+FFFD either way).
 */
const bufferedFetch: typeof fetch = (input, init) =>
  fetch(input, init && typeof init.body === 'string' ? { ...init, body: Buffer.from(init.body, 'utf8') } : init);

export class OpenAICompatibleModel implements ChatModel {
  readonly id: string;
  readonly dialect: Dialect;
  readonly limits: ModelLimits;
  private readonly client: OpenAI;
  private readonly backoff: BackoffOptions;
  private readonly ctx: ErrorContext;
  private readonly idleTimeoutMs: number;

  constructor(private readonly opts: OpenAICompatibleOptions) {
    this.id = opts.model;
    this.dialect = opts.dialect ?? detectDialect(opts.baseUrl);
    const contextWindow = opts.contextWindow ?? FALLBACK_CONTEXT_WINDOW;
    this.limits = { contextWindow, maxOutputTokens: defaultMaxOutputTokens(this.dialect, contextWindow, opts.maxOutputTokens) };
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 300_000;
    this.ctx = { baseUrl: opts.baseUrl, model: opts.model, moonshot: this.dialect === 'moonshot' };
    this.client = new OpenAI({
      baseURL: opts.baseUrl,
      apiKey: opts.apiKey || 'EMPTY',
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: 30 * 60_000,
      fetch: bufferedFetch,
    });
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    if (!this.opts.apiKey && this.dialect === 'moonshot') {
      throw new ModelError(
        `No API key for ${this.opts.baseUrl}. Set one with the command "SwarmCode: Set API Key" (VS Code) or the MOONSHOT_API_KEY environment variable (CLI).`,
        401,
      );
    }
    const body = buildBody(this.opts.model, request, this.dialect, this.limits.maxOutputTokens);
    const log = this.opts.log;
    log.debug(
      `model request: ${this.opts.model} @ ${this.opts.baseUrl} (${this.dialect}), ${body.messages.length} messages, ` +
        `${body.tools?.length ?? 0} tools, thinking=${request.thinking}, max_tokens=${body.max_tokens}` +
        (log.verbose ? `\n${JSON.stringify(body.messages).slice(0, 20_000)}` : ''),
    );
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw abortError(signal);
      await request.hooks?.beforeSend?.(attempt, signal);
      try {
        yield* this.attempt(body, signal, request.hooks);
        return;
      } catch (err) {
        if (signal.aborted) throw abortError(signal);
        if (err instanceof APIError && err.status !== undefined) request.hooks?.onResponse?.(err.status, err.headers);
        const failure = classifyFailure(err, this.ctx);
        if (failure.kind === 'fatal') {
          log.warn(`model request failed: ${failure.error.message}`);
          throw failure.error;
        }
        if (attempt >= this.opts.maxRetries) {
          const msg = `The model request failed after ${attempt + 1} attempt${attempt ? 's' : ''}: ${failure.reason}`;
          log.warn(msg);
          throw new ModelError(msg, failure.status);
        }
        const delayMs = backoffDelay(attempt + 1, failure.retryAfterMs, this.backoff);
        log.info(`model request retry ${attempt + 1}/${this.opts.maxRetries} in ${delayMs} ms: ${failure.reason}`);
        yield { type: 'retry', attempt: attempt + 1, delayMs, reason: failure.reason };
        await sleep(delayMs, signal);
      }
    }
  }

  /** One HTTP request and its stream. Throws on any failure; the caller decides about retrying. */
  private async *attempt(body: ReturnType<typeof buildBody>, signal: AbortSignal, hooks: ModelRequest['hooks']): AsyncGenerator<ModelEvent> {
    // One controller per attempt: aborted by the caller's signal, or by the idle watchdog.
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        ctl.abort();
      }, this.idleTimeoutMs);
    };
    const calls = new Map<number, PendingCall>();
    let finishReason: string | undefined;
    let usage: TokenUsage | undefined;
    try {
      arm();
      const { data: stream, response } = await this.client.chat.completions
        // The SDK sends an options `body` as is (it would JSON.stringify the whole conversation).
        .create(body as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming, {
          signal: ctl.signal,
          maxRetries: 0,
          body: encodeBody(body),
          headers: { 'content-type': 'application/json' },
        })
        .withResponse();
      hooks?.onResponse?.(response.status, response.headers);
      for await (const raw of stream) {
        // The SDK yields every event of a network chunk it has already read, even after the
        // abort: nothing reaches the caller once it has cancelled (a slow consumer saw up to
        // nine more deltas).
        if (signal.aborted) throw abortError(signal);
        arm();
        const chunk = raw as unknown as WireChunk;
        if (chunk.usage) usage = mapUsage(chunk.usage);
        for (const choice of chunk.choices ?? []) {
          if ((choice.index ?? 0) !== 0) continue;
          if (choice.usage) usage = mapUsage(choice.usage);
          const d = choice.delta;
          if (d) {
            const reasoning = d.reasoning_content ?? d.reasoning;
            if (reasoning) yield { type: 'reasoning', text: reasoning };
            if (d.content) {
              if (signal.aborted) throw abortError(signal); // aborted while the reasoning was consumed
              yield { type: 'text', text: d.content };
            }
            for (const tc of d.tool_calls ?? []) {
              const idx = tc.index ?? calls.size;
              let call = calls.get(idx);
              if (!call) {
                call = { name: '', arguments: '' };
                calls.set(idx, call);
              }
              if (tc.id) call.id = tc.id;
              if (tc.function?.name) call.name += tc.function.name;
              if (tc.function?.arguments) call.arguments += tc.function.arguments;
            }
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      }
      if (ctl.signal.aborted) {
        if (signal.aborted) throw abortError(signal);
        throw new StreamInterruptedError(stalled ? `stream stalled (no data for ${this.idleTimeoutMs} ms)` : 'stream aborted');
      }
      if (!finishReason) throw new StreamInterruptedError('stream ended before the model finished (connection dropped)');
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      if (stalled) throw new StreamInterruptedError(`stream stalled (no data for ${this.idleTimeoutMs} ms)`);
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      ctl.abort(); // make sure the HTTP stream is closed whatever happened
    }
    const ordered = [...calls.entries()].sort((a, b) => a[0] - b[0]);
    if (finishReason === 'length' && ordered.length > 0) {
      // Cut off by the output cap while writing tool calls: none of them is complete enough to run.
      if (usage) yield { type: 'usage', usage };
      yield { type: 'done', finishReason, truncatedCalls: ordered.map(([, c]) => c.name || '(unnamed)') };
      return;
    }
    for (const [idx, c] of ordered) {
      const call: ToolCall = { id: c.id || `call_${idx}_${Math.random().toString(36).slice(2, 10)}`, name: c.name, arguments: c.arguments };
      yield { type: 'tool_call', call };
    }
    if (usage) yield { type: 'usage', usage };
    yield { type: 'done', finishReason };
  }
}
