import { RequestType } from './rpc';

// Context attached to a message (issue 14): `@`-mentions and the editor's active file/selection.
// The server resolves paths, symbols and git itself (inside the workspace sandbox, git contained);
// `text` attachments carry what only the client knows (selection, diagnostics, terminal output).
// All of them reach the model in the user's turn, after the task, each in a delimited block.

export type Attachment =
  /** A workspace file (its current text, unsaved editor buffer included) or folder (its file list). */
  | { kind: 'path'; path: string }
  /** A symbol's definition: the lines from `line` to the next definition in `path` (at most 200). */
  | { kind: 'symbol'; name: string; path: string; line: number }
  /** The workspace repository's uncommitted changes (`git diff HEAD`, run read-only in the sandbox). */
  | { kind: 'git' }
  /** Text the client resolved: the selection, diagnostics (`@problems`), the last terminal command's output. */
  | { kind: 'text'; source: 'selection' | 'problems' | 'terminal'; label: string; text: string; language?: string };

/** Most attachments on one run; past it the run is refused (-32602). */
export const MAX_ATTACHMENTS = 32;

export interface MentionsParams {
  /** What follows the `@` (fuzzy over workspace-relative paths and symbol names); '' lists the top of the workspace. */
  query: string;
  /** Default 30, at most 200. */
  limit?: number;
}

export interface MentionItem {
  kind: 'file' | 'folder' | 'symbol';
  /** Workspace-relative path, forward slashes (folders end without a slash). */
  path: string;
  /** Symbols: the name; files and folders: the base name. */
  label: string;
  /** Symbols: 1-based line of the definition. */
  line?: number;
  /** Symbols: the kind (function, class, …); files and folders: the parent folder. */
  detail?: string;
}

/** Client → server: completions for an `@`-mention (files, folders, symbols), best first. */
export const MentionsRequest = new RequestType<MentionsParams, MentionItem[], void>('swarm/mentions');
