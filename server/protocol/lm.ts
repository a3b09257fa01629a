// Language-model access for other clients (docs/protocol.md § Language models): the extension
// offers the configured endpoint's models to other VS Code extensions (vscode.lm) through these,
// so the model layer (keys, dialect, retries, rate limits) stays in the server.
import { NotificationType, RequestType } from './rpc';
import type { TokenUsage } from '../protocol';

export interface LmModelInfo {
  /** The id sent to the endpoint as `model`. */
  id: string;
  /** Prompt + output tokens the model accepts. */
  contextWindow: number;
  /** The output cap used when a request names none. */
  maxOutputTokens: number;
  /** The configured model (`model` setting). */
  configured: boolean;
}

export interface LmMessage {
  role: 'system' | 'user' | 'assistant';
  text: string;
}

export interface LmCompleteParams {
  /** Chosen by the client: `swarm/lmDelta` notifications carry it. Cancel with `$/cancelRequest`. */
  requestId: string;
  /** One of swarm/models' ids; the configured model when absent. */
  model?: string;
  messages: LmMessage[];
  maxTokens?: number;
  /** Thinking mode (default off: a plain completion). Reasoning is not streamed back. */
  thinking?: boolean;
}

export interface LmCompleteResult {
  text: string;
  finishReason: string;
  usage?: TokenUsage;
}

/** Client → server: the endpoint's models (its `GET /models`), the configured one first; only it when the endpoint lists none. */
export const LmModelsRequest = new RequestType<Record<string, never> | undefined, LmModelInfo[], void>('swarm/lmModels');
/** Client → server: one plain chat completion (no tools) on the configured endpoint; text streams as `swarm/lmDelta`. */
export const LmCompleteRequest = new RequestType<LmCompleteParams, LmCompleteResult, void>('swarm/lmComplete');
/** Server → client: a piece of a `swarm/lmComplete` answer. */
export const LmDeltaNotification = new NotificationType<{ requestId: string; text: string }>('swarm/lmDelta');
