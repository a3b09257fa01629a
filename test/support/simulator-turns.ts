// How the model simulator answers one scripted turn: OpenAI-format SSE chunks (or one JSON
// completion), paced by a latency model, with fault injection (HTTP errors, dropped and hung streams).
import type { ServerResponse } from 'node:http';

export interface Latency {
  /** Delay before the first streamed token (ms). */
  ttftMs?: number;
  /** Streaming speed; a token is 4 characters. Unset/0: as fast as the socket takes it. */
  tokensPerSec?: number;
}

export interface SimToolCall {
  name: string;
  /** An object is JSON-encoded; a string is sent raw (it may be malformed on purpose). */
  arguments: Record<string, unknown> | string;
  /** Defaults to Kimi's style `functions.NAME:IDX`. */
  id?: string;
}

export type Fault =
  /** Answer this HTTP status instead (e.g. 429 with Retry-After, 500, 503). */
  | { status: number; retryAfter?: number | string; body?: unknown; headers?: Record<string, string> }
  /** Start streaming, then cut the connection after this many characters of output. */
  | { dropAfterChars: number }
  /** Send the response headers, then go silent for this long before streaming normally. */
  | { hangMs: number };

/** One scripted assistant turn. */
export interface Turn {
  reasoning?: string;
  text?: string;
  toolCalls?: SimToolCall[];
  latency?: Latency;
  /** Characters per streamed delta (default: the simulator's, 4). */
  chunkChars?: number;
  fault?: Fault;
  /** Defaults to 'tool_calls' when there are tool calls, else 'stop'. */
  finishReason?: string;
  /** Stream reasoning as `reasoning` (vLLM) instead of `reasoning_content`. */
  reasoningField?: 'reasoning_content' | 'reasoning';
  /** Extra response headers, e.g. OpenAI-style `x-ratelimit-remaining-requests`. */
  headers?: Record<string, string>;
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  cached_tokens?: number;
}

export interface TurnContext {
  model: string;
  id: string;
  latency: Latency;
  chunkChars: number;
  reasoningField: 'reasoning_content' | 'reasoning';
  includeUsage: boolean;
  usage: (outputChars: number) => WireUsage;
  nextToolId: (name: string) => string;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
  /** Called after each streamed delta is written, with performance.now(). */
  onChunk?: (delta: Record<string, unknown>, atMs: number) => void;
}

export type TurnOutcome = 'completed' | 'dropped' | 'disconnected' | 'rejected';

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Resolves once `data` is handed to the socket, or when the response closes first: a write
 * pending when the client disconnects never calls back, and the turn must still see the
 * disconnect (it waited forever, and the request stayed 'pending').
 */
function write(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) return resolve();
    const done = () => {
      res.off('close', done);
      resolve();
    };
    res.on('close', done);
    res.write(data, done);
  });
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function argsText(call: SimToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

export function outputChars(turn: Turn): number {
  let n = (turn.reasoning ?? '').length + (turn.text ?? '').length;
  for (const c of turn.toolCalls ?? []) n += c.name.length + argsText(c).length;
  return n;
}

/**
 * `turn` as a server with output cap `maxTokens` sends it: past the cap (4 characters a token) the
 * output stops — mid-reasoning, mid-text or inside a tool call's arguments — with
 * finish_reason "length" (OpenAI's and Moonshot's meaning of it).
 */
export function capTurn(turn: Turn, maxTokens: number): Turn {
  let left = maxTokens * 4;
  if (outputChars(turn) <= left) return turn;
  const take = (s: string | undefined): string | undefined => {
    if (s === undefined) return undefined;
    const part = s.slice(0, Math.max(0, left));
    left -= part.length;
    return part;
  };
  const out: Turn = { ...turn, finishReason: 'length', reasoning: take(turn.reasoning), text: take(turn.text), toolCalls: [] };
  for (const call of turn.toolCalls ?? []) {
    if (left <= call.name.length) break;
    left -= call.name.length;
    out.toolCalls!.push({ ...call, arguments: take(argsText(call))! });
  }
  return out;
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_reached_error';
  if (status === 401) return 'invalid_authentication_error';
  if (status === 404) return 'resource_not_found_error';
  if (status === 400) return 'invalid_request_error';
  return 'server_error';
}

/** Writes an OpenAI/Moonshot-style JSON error response. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: { message, type: errorType(status), code: null } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Answers a status fault. */
export function sendFault(res: ServerResponse, fault: Extract<Fault, { status: number }>): void {
  const headers: Record<string, string> = { ...fault.headers };
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.body !== undefined && typeof fault.body === 'object') {
    const body = JSON.stringify(fault.body);
    res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
    return;
  }
  const msg = typeof fault.body === 'string' ? fault.body : `simulated ${fault.status}`;
  sendError(res, fault.status, msg, headers);
}

interface Piece {
  delta: Record<string, unknown>;
  chars: number;
}

function pieces(turn: Turn, ctx: TurnContext, ids: string[]): Piece[] {
  const size = Math.max(1, turn.chunkChars ?? ctx.chunkChars);
  const field = turn.reasoningField ?? ctx.reasoningField;
  const out: Piece[] = [];
  for (const p of split(turn.reasoning ?? '', size)) out.push({ delta: { [field]: p }, chars: p.length });
  for (const p of split(turn.text ?? '', size)) out.push({ delta: { content: p }, chars: p.length });
  (turn.toolCalls ?? []).forEach((call, index) => {
    out.push({
      delta: { tool_calls: [{ index, id: ids[index], type: 'function', function: { name: call.name, arguments: '' } }] },
      chars: call.name.length,
    });
    for (const p of split(argsText(call), size)) out.push({ delta: { tool_calls: [{ index, function: { arguments: p } }] }, chars: p.length });
  });
  return out;
}

function finishReason(turn: Turn): string {
  return turn.finishReason ?? ((turn.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop');
}

/** Streams `turn` as server-sent events. Resolves with how the stream ended. */
export async function streamTurn(res: ServerResponse, turn: Turn, ctx: TurnContext): Promise<TurnOutcome> {
  const latency = { ...ctx.latency, ...turn.latency };
  const ids = (turn.toolCalls ?? []).map((c) => c.id ?? ctx.nextToolId(c.name));
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: ctx.id, object: 'chat.completion.chunk', created, model: ctx.model, choices, ...extra })}\n\n`;
  const fault = turn.fault;
  const dropAt = fault && 'dropAfterChars' in fault ? fault.dropAfterChars : undefined;

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...turn.headers });
  res.flushHeaders();
  if (fault && 'hangMs' in fault) await sleep(fault.hangMs, ctx.signal);
  await sleep(latency.ttftMs ?? 0, ctx.signal);
  if (ctx.signal.aborted) return 'disconnected';

  const msPerChar = latency.tokensPerSec ? 1000 / (latency.tokensPerSec * 4) : 0;
  const start = Date.now();
  let sent = 0;
  await write(res, chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
  for (const piece of pieces(turn, ctx, ids)) {
    if (ctx.signal.aborted) return 'disconnected';
    if (dropAt !== undefined && sent >= dropAt) {
      res.destroy();
      return 'dropped';
    }
    if (msPerChar > 0) await sleep(start + (sent + piece.chars) * msPerChar - Date.now(), ctx.signal);
    if (ctx.signal.aborted) return 'disconnected';
    await write(res, chunk([{ index: 0, delta: piece.delta, finish_reason: null }]));
    ctx.onChunk?.(piece.delta, performance.now());
    sent += piece.chars;
  }
  if (dropAt !== undefined) {
    res.destroy();
    return 'dropped';
  }
  await write(res, chunk([{ index: 0, delta: {}, finish_reason: finishReason(turn) }]));
  if (ctx.includeUsage) await write(res, chunk([], { usage: ctx.usage(outputChars(turn)) }));
  await write(res, 'data: [DONE]\n\n');
  if (ctx.signal.aborted) return 'disconnected';
  res.end();
  return 'completed';
}

/** Answers `turn` as one non-streamed chat.completion object. */
export async function jsonTurn(res: ServerResponse, turn: Turn, ctx: TurnContext): Promise<TurnOutcome> {
  const latency = { ...ctx.latency, ...turn.latency };
  const fault = turn.fault;
  if (fault && 'hangMs' in fault) await sleep(fault.hangMs, ctx.signal);
  const total = outputChars(turn);
  const genMs = latency.tokensPerSec ? (total / 4 / latency.tokensPerSec) * 1000 : 0;
  await sleep((latency.ttftMs ?? 0) + genMs, ctx.signal);
  if (ctx.signal.aborted) return 'disconnected';
  if (fault && 'dropAfterChars' in fault) {
    res.destroy();
    return 'dropped';
  }
  const message: Record<string, unknown> = { role: 'assistant', content: turn.text ?? '' };
  if (turn.reasoning) message[turn.reasoningField ?? ctx.reasoningField] = turn.reasoning;
  if (turn.toolCalls?.length) {
    message.tool_calls = turn.toolCalls.map((c) => ({
      id: c.id ?? ctx.nextToolId(c.name),
      type: 'function',
      function: { name: c.name, arguments: argsText(c) },
    }));
  }
  const body = JSON.stringify({
    id: ctx.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: ctx.model,
    choices: [{ index: 0, message, finish_reason: finishReason(turn) }],
    usage: ctx.usage(total),
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...turn.headers });
  res.end(body);
  return 'completed';
}
