// The model simulator: a real OpenAI-compatible HTTP server on 127.0.0.1 (DESIGN.md §7).
// POST /v1/chat/completions (SSE or JSON), GET /v1/models. Scripted turns, latency and fault
// injection, Moonshot-like checks (API key, model name, reasoning_content on tool-call turns),
// usage with a simulated prefix cache.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  echoTurn,
  firstUserText,
  thinkingEnabled,
  type ChatRequestBody,
  type Responder,
  type RespondInfo,
} from './simulator-script';
import { SimRateLimiter, type RateLimitOptions } from './simulator-limits';
import { capTurn, jsonTurn, outputChars, sendError, sendFault, streamTurn, type Latency, type Turn, type TurnContext, type TurnOutcome, type WireUsage } from './simulator-turns';

export * from './simulator-script';
export type { RateLimitOptions } from './simulator-limits';
export type { Fault, Latency, SimToolCall, Turn, TurnOutcome } from './simulator-turns';

export interface SimulatorOptions {
  /** Scripted answers (default: echo "You said: <last user text>"). See script(), byConversation(), perConversation(). */
  respond?: Responder;
  /**
   * Answer 400 (like Moonshot) when thinking is on and an assistant tool-call message lacks
   * reasoning_content. Default: on for requests in Moonshot's dialect (a `thinking` field).
   */
  requireReasoningOnToolCalls?: boolean;
  /**
   * The model's window: a request whose prompt plus its output cap (`max_tokens`, else
   * `defaultMaxTokens`) is larger gets Moonshot's 400 "exceeded model token limit" (Moonshot counts
   * max_tokens against the window: MoonshotAI-Cookbook#18). Default 262,144 (Kimi K2.5); 0 = none.
   */
  contextWindow?: number;
  /** Extra fields for each `GET /v1/models` entry (e.g. vLLM's `max_model_len`, OpenRouter's `context_length`). */
  modelMeta?: Record<string, unknown>;
  /** Output cap when a request sends no `max_tokens` (Moonshot's documented default is small, "such as 1024"). Default 1024. */
  defaultMaxTokens?: number;
  /** Account rate limits (requests / tokens per minute): past them a 429 with Retry-After; x-ratelimit-* headers on every answer. */
  rateLimit?: RateLimitOptions;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  /** When set, other model names get 404. */
  models?: string[];
  /** Default latency for every turn. */
  latency?: Latency;
  /** Default characters per streamed delta (4 ≈ one token). */
  chunkChars?: number;
  /** Field for streamed reasoning (default reasoning_content; vLLM may say reasoning). */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** 'openai': usage.prompt_tokens_details.cached_tokens (default); 'moonshot': top-level usage.cached_tokens. */
  usageStyle?: 'openai' | 'moonshot';
  /** Prefix-cache granularity in characters (default 64 = 16 tokens, like a paged KV cache). */
  cacheBlockChars?: number;
  port?: number;
  /** Called right after each streamed delta is written (benchmarks time the path to the client with it). */
  onChunk?: (delta: Record<string, unknown>, atMs: number) => void;
}

export type RequestOutcome = 'pending' | TurnOutcome;

export interface RecordedRequest {
  /** 0-based order among chat-completions calls. */
  index: number;
  /** Date.now() when the request body had been read. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatRequestBody;
  conversation: string;
  thinking: boolean;
  promptTokens: number;
  cachedTokens: number;
  /** HTTP status answered (200 for streams, even ones later dropped). */
  status: number;
  outcome: RequestOutcome;
  /** Settles when the response is over (completed, dropped, rejected or client disconnected). */
  finished: Promise<TurnOutcome>;
}

export interface Simulator {
  /** Base URL ending in /v1, e.g. http://127.0.0.1:40123/v1 */
  url: string;
  port: number;
  /** Every chat-completions request, in arrival order. */
  requests: RecordedRequest[];
  /** Resolves once at least `n` chat-completions requests arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Prompt serialization used for token and cache accounting: tools first, like a chat template. */
export function serializePrompt(body: ChatRequestBody): string {
  return JSON.stringify(body.tools ?? []) + JSON.stringify(body.messages ?? []);
}

/**
 * A block-hash prefix cache (like vLLM's automatic prefix caching): a block is cached when the
 * chain hash of it and every block before it was seen. The chain hashes of recent prompts are
 * kept, so a prompt that extends an earlier one (every agent step) only hashes its new blocks —
 * the simulator's own cost must not grow with the conversation, or benchmarks would charge it
 * to the server.
 */
export class PrefixCache {
  private readonly blocks = new Set<string>();
  private readonly recent: { prompt: string; hashes: string[] }[] = [];
  constructor(
    readonly blockChars = 64,
    private readonly keepRecent = 256,
  ) {}

  /** Characters of `prompt` already cached (whole blocks); when `store`, caches its blocks. */
  lookup(prompt: string, store: boolean): number {
    const n = Math.floor(prompt.length / this.blockChars);
    const hashes = this.reuse(prompt, n);
    let cached = 0;
    let hit = true;
    for (let b = 0; b < n; b++) {
      let hash = hashes[b];
      if (hash === undefined) {
        const i = b * this.blockChars;
        hash = createHash('sha1').update(b ? hashes[b - 1]! : '').update(prompt.slice(i, i + this.blockChars)).digest('hex');
        hashes.push(hash);
      }
      if (hit && this.blocks.has(hash)) cached = (b + 1) * this.blockChars;
      else hit = false;
      if (store) this.blocks.add(hash);
      else if (!hit) break;
    }
    if (store) {
      this.recent.push({ prompt, hashes });
      if (this.recent.length > this.keepRecent) this.recent.shift();
    }
    return cached;
  }

  /** The chain hashes of the longest whole-block prefix `prompt` shares with a recent prompt. */
  private reuse(prompt: string, blocks: number): string[] {
    let best: string[] = [];
    for (let r = this.recent.length - 1; r >= 0 && best.length < blocks; r--) {
      const prev = this.recent[r]!;
      const max = Math.min(blocks, prev.hashes.length);
      if (max <= best.length) continue;
      // Binary search on whole blocks: string equality of prefixes is a native compare.
      let lo = 0;
      let hi = max;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        const end = mid * this.blockChars;
        if (prompt.length >= end && prev.prompt.length >= end && prompt.slice(0, end) === prev.prompt.slice(0, end)) lo = mid;
        else hi = mid - 1;
      }
      if (lo > best.length) best = prev.hashes.slice(0, lo);
    }
    return best;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function missingReasoning(body: ChatRequestBody): number {
  return body.messages.findIndex((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0 && typeof m.reasoning_content !== 'string');
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const respond = options.respond ?? echoTurn;
  const cache = new PrefixCache(options.cacheBlockChars ?? 64);
  const limiter = options.rateLimit ? new SimRateLimiter(options.rateLimit) : undefined;
  const requests: RecordedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let toolCounter = 0;

  const authorized = (req: IncomingMessage) => !options.apiKey || req.headers.authorization === `Bearer ${options.apiKey}`;

  async function chat(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = await readBody(req);
    let body: ChatRequestBody;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
      if (!Array.isArray(body.messages)) throw new Error('messages must be an array');
    } catch (err) {
      sendError(res, 400, `invalid request body: ${(err as Error).message}`);
      return;
    }
    const prompt = serializePrompt(body);
    const rec = { index: requests.length, at: Date.now(), method: req.method ?? 'POST', path, headers: req.headers, body } as RecordedRequest;
    rec.conversation = firstUserText(body);
    rec.thinking = thinkingEnabled(body);
    rec.promptTokens = Math.ceil(prompt.length / 4);
    rec.cachedTokens = 0;
    rec.status = 200;
    rec.outcome = 'pending';
    let settle!: (o: TurnOutcome) => void;
    rec.finished = new Promise((r) => (settle = r));
    const finish = (o: TurnOutcome, status = rec.status) => {
      rec.status = status;
      rec.outcome = o;
      settle(o);
    };
    requests.push(rec);
    for (const w of waiters.splice(0)) {
      if (requests.length >= w.n) w.resolve();
      else waiters.push(w);
    }
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });

    if (!authorized(req)) return finish('rejected', (sendError(res, 401, 'Invalid Authentication'), 401));
    if (options.models && !options.models.includes(body.model)) {
      return finish('rejected', (sendError(res, 404, `Not found the model ${body.model} or Permission denied`), 404));
    }
    const strict = options.requireReasoningOnToolCalls ?? body.thinking !== undefined;
    const bad = strict && rec.thinking ? missingReasoning(body) : -1;
    if (bad >= 0) {
      const msg = `thinking is enabled but reasoning_content is missing in assistant tool call message at index ${bad}`;
      return finish('rejected', (sendError(res, 400, msg), 400));
    }

    const window = options.contextWindow ?? 262_144;
    const cap = body.max_tokens ?? options.defaultMaxTokens ?? 1024;
    if (window > 0 && rec.promptTokens + cap > window) {
      const msg = `Invalid request: Your request exceeded model token limit: ${window} (prompt ${rec.promptTokens} + max_tokens ${cap})`;
      return finish('rejected', (sendError(res, 400, msg), 400));
    }

    const info: RespondInfo = { index: rec.index, conversation: rec.conversation, thinking: rec.thinking };
    let turn: Turn;
    try {
      turn = await respond(body, info);
    } catch (err) {
      return finish('rejected', (sendError(res, 500, `simulator script failed: ${(err as Error).message}`), 500));
    }
    if (turn.fault && 'status' in turn.fault) return finish('rejected', (sendFault(res, turn.fault), turn.fault.status));
    turn = capTurn(turn, cap);
    if (limiter) {
      const decision = limiter.check(rec.promptTokens + Math.ceil(outputChars(turn) / 4));
      if (!decision.ok) {
        const body = { error: { message: 'Your account reached its rate limit; please try again later', type: 'rate_limit_reached_error' } };
        return finish('rejected', (sendFault(res, { status: 429, retryAfter: decision.retryAfterSec, headers: decision.headers, body }), 429));
      }
      turn = { ...turn, headers: { ...decision.headers, ...turn.headers } };
    }

    const cachedChars = cache.lookup(prompt, true);
    rec.cachedTokens = Math.min(rec.promptTokens, Math.floor(cachedChars / 4));
    const ctx: TurnContext = {
      model: body.model,
      id: `chatcmpl-sim-${rec.index}`,
      latency: options.latency ?? {},
      chunkChars: options.chunkChars ?? 4,
      reasoningField: options.reasoningField ?? 'reasoning_content',
      includeUsage: body.stream_options?.include_usage === true,
      usage: (outChars) => usage(rec.promptTokens, rec.cachedTokens, Math.ceil(outChars / 4), options.usageStyle),
      nextToolId: (name) => `functions.${name}:${toolCounter++}`,
      signal: ac.signal,
      onChunk: options.onChunk,
    };
    const outcome = body.stream ? await streamTurn(res, turn, ctx) : await jsonTurn(res, turn, { ...ctx, includeUsage: true });
    finish(outcome);
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      chat(req, res, path).catch((err: Error) => {
        if (!res.headersSent) sendError(res, 500, `simulator failure: ${err.message}`);
        else res.destroy();
      });
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      if (!authorized(req)) return sendError(res, 401, 'Invalid Authentication');
      const created = Math.floor(Date.now() / 1000);
      const ids = options.models ?? ['kimi-k2.5', 'simulator'];
      const body = JSON.stringify({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'simulator', ...options.modelMeta })) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    sendError(res, 404, `no route for ${req.method} ${path}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    waitForRequests(n, timeoutMs = 10_000) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`simulator: ${requests.length}/${n} requests after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function usage(prompt: number, cached: number, completion: number, style: 'openai' | 'moonshot' = 'openai'): WireUsage {
  const u: WireUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (style === 'moonshot') u.cached_tokens = cached;
  else u.prompt_tokens_details = { cached_tokens: cached };
  return u;
}
