// The model layer's vocabulary: what an agent sends to a model and what streams back.
import type { TokenUsage } from '../protocol';

export interface TextPart {
  type: 'text';
  text: string;
}
export interface ImagePart {
  type: 'image';
  mimeType: string;
  /** base64, no data: prefix */
  data: string;
}
export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  /** Provider-assigned id (Kimi: `functions.NAME:IDX`). */
  id: string;
  name: string;
  /** Raw JSON text as the model produced it; may be malformed. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string; reasoning?: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string | ContentPart[] };

/** A tool as the model sees it: JSON Schema parameters. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  thinking: boolean;
  /** Output cap (`max_tokens`); the model's own default cap when absent. */
  maxTokens?: number;
  /** The caller's estimate of the prompt's size in tokens (schedulers book it without re-serialising). */
  promptTokens?: number;
  /** Observers for this request (the rate limiter); never sent to the model. */
  hooks?: RequestHooks;
}

/** What a provider that makes HTTP calls tells its caller about each attempt. */
export interface RequestHooks {
  /** Awaited right before each HTTP attempt goes out (0 = the first, then each retry): a rate limiter holds it here. */
  beforeSend?(attempt: number, signal: AbortSignal): Promise<void>;
  /** The status and headers of each attempt's response, a success's or an HTTP error's. */
  onResponse?(status: number, headers: Headers): void;
}

/** What a model can take and give per request. */
export interface ModelLimits {
  /** Prompt + output tokens the model accepts in one request. */
  contextWindow: number;
  /** The output cap sent when a request names none (`max_tokens`). */
  maxOutputTokens: number;
}

export type ModelEvent =
  | { type: 'reasoning'; text: string }
  | { type: 'text'; text: string }
  /** Emitted once per call when its arguments are complete. */
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'usage'; usage: TokenUsage }
  /**
   * The provider will retry the turn (429, 5xx, connection lost, stream dropped or stalled) after
   * `delayMs`. Any reasoning/text already streamed for this turn is void: the consumer discards
   * the partial turn when it sees this event; the next events restart the turn from scratch.
   * Tool calls are only ever emitted at the end of a complete turn, so none need discarding.
   */
  | { type: 'retry'; attempt: number; delayMs: number; reason: string }
  /**
   * The turn is over. `finishReason: 'length'` means the output cap cut it off: any tool call that
   * was still being written is dropped (never executed) and named in `truncatedCalls`.
   */
  | { type: 'done'; finishReason: string; truncatedCalls?: string[] };

export interface ChatModel {
  readonly id: string;
  /** Context window and default output cap, where the model knows them. */
  readonly limits?: ModelLimits;
  /** Streams one assistant turn. Throws ModelError on a failure the user must see. */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}

/** A model failure that ends the run with a message meant for the user. */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
