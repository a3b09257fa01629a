// The one typed message map between the extension (src/chatView) and the chat panel (webview/).
import type { EventParams, ImageInput, RunResult, ThinkingMode } from '../server/protocol';

export interface StoredMessage {
  role: 'user' | 'assistant';
  text: string;
  images?: ImageInput[];
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
}

export interface Conversation extends ConversationSummary {
  messages: StoredMessage[];
  /** The raw events of each run, so a reopened conversation renders tool cards and thinking again. */
  runs: { runId: string; events: EventParams['event'][] }[];
}

/** webview → extension */
export type ToExtension =
  | { type: 'ready' }
  | { type: 'send'; text: string; images: ImageInput[]; thinking?: ThinkingMode }
  | { type: 'stop' }
  | { type: 'newChat' }
  | { type: 'openConversation'; id: string }
  | { type: 'listConversations' }
  | { type: 'openFile'; path: string; line?: number }
  /** A link clicked in rendered markdown (http/https/mailto); the extension opens it externally. */
  | { type: 'openLink'; url: string }
  /** "→ Component" on an attached/pasted image: run screenshot-to-component (swarm/visual) on it; `name` seeds the file name. */
  | { type: 'imageToComponent'; image: ImageInput; name?: string };

/** extension → webview */
export type ToWebview =
  | { type: 'init'; conversation: Conversation; conversations: ConversationSummary[] }
  | { type: 'runStarted'; runId: string }
  | { type: 'event'; runId: string; event: EventParams['event'] }
  | { type: 'runEnded'; result: RunResult }
  | { type: 'conversations'; conversations: ConversationSummary[] }
  | { type: 'error'; message: string };
