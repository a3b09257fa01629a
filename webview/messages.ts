// The one typed message map between the extension (src/chatView) and the chat panel (webview/).
import type { ApprovalParams, CommandInfo, EventParams, ImageInput, MentionItem, RunResult, ThinkingMode } from '../server/protocol';

/**
 * Context attached to a message from the composer: `@`-mentions and the editor chip. The extension
 * turns each into a RunParams attachment (paths, symbols and git resolved by the server; the
 * selection, diagnostics and terminal output read in the extension).
 */
export type ContextRef =
  | { kind: 'path'; path: string }
  | { kind: 'symbol'; name: string; path: string; line: number }
  | { kind: 'git' }
  | { kind: 'problems' }
  | { kind: 'terminal' }
  | { kind: 'selection' }
  /** The editor chip: the active file and, when there is one, its selection (as of sending). */
  | { kind: 'editor' };

/** The active editor as the context chip shows it; absent when no file editor is open. */
export interface EditorContext {
  /** Workspace-relative path. */
  path: string;
  /** 1-based lines of a non-empty selection. */
  selection?: { startLine: number; endLine: number };
}

/** A `swarm/approval` waiting for the user; `id` is the extension's, one per request. */
export interface PendingApproval {
  id: string;
  params: ApprovalParams;
}

export interface StoredMessage {
  role: 'user' | 'assistant';
  text: string;
  images?: ImageInput[];
}

/** Where a conversation's last run stands (shown in the history list). */
export type ConversationStatus = 'running' | 'done' | 'failed' | 'stopped';

export interface ConversationSummary {
  id: string;
  title: string;
  updatedAt: number;
  /** Its last run's state; absent before the first run (and in conversations saved by older versions). */
  status?: ConversationStatus;
}

export interface Conversation extends ConversationSummary {
  messages: StoredMessage[];
  /** The raw events of each run, so a reopened conversation renders tool cards and thinking again. */
  runs: { runId: string; events: EventParams['event'][] }[];
}

/** webview → extension */
export type ToExtension =
  | { type: 'ready' }
  /** `plan`: the Plan toggle is on (RunParams.plan). A `/command` in `text` is expanded by the server. */
  | { type: 'send'; text: string; images: ImageInput[]; thinking?: ThinkingMode; plan?: boolean; context?: ContextRef[] }
  /** The `@` popup wants completions for `query` (swarm/mentions); answered by `mentionResults` with the same id. */
  | { type: 'mentionQuery'; id: number; query: string }
  /** A code block's button: copy to the clipboard, insert at the editor's cursor, or apply to a file through a preview. */
  | { type: 'codeBlock'; action: 'copy' | 'insert' | 'apply'; code: string; language?: string; path?: string }
  /** A slash command the panel does not send as a task (`runsIn: 'client'`): /compact, /undo, /export, /clear, /model, /thinking. */
  | { type: 'command'; name: string; args: string }
  /** The slash popup opened: send the command list again (custom commands may have changed). */
  | { type: 'listCommands' }
  | { type: 'stop' }
  | { type: 'newChat' }
  | { type: 'openConversation'; id: string }
  /** The history list, filtered by `query` (title and message text, every word) when given. */
  | { type: 'listConversations'; query?: string }
  /** Delete a past conversation (the panel asked the user to confirm). */
  | { type: 'deleteConversation'; id: string }
  /** Save a conversation as Markdown (a save dialog picks the file). */
  | { type: 'exportConversation'; id: string }
  /** Rewind the shown conversation to message `index` (src/chat/rewind.ts); the extension confirms first. */
  | { type: 'rewind'; index: number; role: 'user' | 'assistant' }
  | { type: 'openFile'; path: string; line?: number }
  /** A link clicked in rendered markdown (http/https/mailto); the extension opens it externally. */
  | { type: 'openLink'; url: string }
  /** "→ Component" on an attached/pasted image: run screenshot-to-component (swarm/visual) on it; `name` seeds the file name. */
  | { type: 'imageToComponent'; image: ImageInput; name?: string }
  /** The user's answer to a queued approval; `run` = also for the rest of that run (this command / this tool). */
  | { type: 'approve'; id: string; approved: boolean; scope?: 'once' | 'run' };

/** extension → webview */
export type ToWebview =
  | { type: 'init'; conversation: Conversation; conversations: ConversationSummary[] }
  | { type: 'runStarted'; runId: string }
  | { type: 'event'; runId: string; event: EventParams['event'] }
  | { type: 'runEnded'; result: RunResult }
  /** `query`: the list answers a search. */
  | { type: 'conversations'; conversations: ConversationSummary[]; query?: string }
  | { type: 'error'; message: string }
  /** An agent waits for the user's yes: queued in the panel. */
  | { type: 'approval'; approval: PendingApproval }
  /** The request is gone (answered elsewhere, or withdrawn by a stop): drop it from the queue. */
  | { type: 'approvalClosed'; id: string }
  /** A short confirmation (e.g. after /compact or /thinking). */
  | { type: 'notice'; message: string }
  /** The slash commands for the popup (built-in, project, user, MCP prompts). */
  | { type: 'commands'; commands: CommandInfo[] }
  /** Text to add at the composer's cursor (Add Selection to Chat). */
  | { type: 'insertText'; text: string }
  | { type: 'mentionResults'; id: number; items: MentionItem[] }
  /** The active editor for the context chip; `enabled` false when `swarmcode.chat.editorContext` is off. */
  | { type: 'editorContext'; enabled: boolean; context?: EditorContext }
  /** Swarm lane settings: a running lane without any event for `stallSeconds` is flagged (`swarmcode.laneStallSeconds`). */
  | { type: 'swarmSettings'; stallSeconds: number };
