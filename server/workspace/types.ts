// The workspace as tools see it: a sandboxed root plus the editor's unsaved buffers.
import type { RunStatus } from '../protocol';
import type { EditResult, StringEdit } from './edits';
import type { RawContent } from './raw-put';
import type { CommandChanges } from './command-journal';

/** Unsaved editor buffers, fed by textDocument/did* from the client. */
export interface DocumentStore {
  /** Text of an open document by absolute path, or undefined when not open. */
  get(absPath: string): string | undefined;
  /** Whether the document is open with changes not yet on disk. */
  isDirty(absPath: string): boolean;
}

export interface Workspace {
  /** Absolute, real (symlinks resolved) path of the workspace root. */
  readonly root: string;
  readonly documents: DocumentStore;
  /**
   * Every real root (several in a multi-root workspace, where `root` is a folder of links named
   * after them). Absent: just `root`.
   */
  readonly roots?: readonly string[];
  /** Multi-root: the folder names tool paths start with (`name/…`); undefined with one root. */
  readonly folders?: readonly string[];
  /**
   * Workspace-relative (or absolute inside the root) path → absolute path.
   * Refuses, with a ToolError, `..` escapes, absolute paths outside the root and
   * symlinks whose target leaves the root.
   */
  resolve(path: string): Promise<string>;
  /** Absolute → workspace-relative with forward slashes. */
  relative(absPath: string): string;
  /** Current text: the editor buffer when open, else the file on disk. ToolError if missing/binary/huge. */
  readText(path: string, signal?: AbortSignal): Promise<string>;
  /** Atomic write (temp + rename), creating parent folders. */
  writeText(path: string, content: string, signal?: AbortSignal): Promise<void>;
  /**
   * edit_file's string replacement through the edit engine (per-file lock, stale-version check,
   * CRLF/BOM/encoding kept, unsaved buffers through the client). Present on engine workspaces.
   */
  editText?(path: string, edit: StringEdit, signal?: AbortSignal): Promise<EditResult>;
  /**
   * Deletes one file (a text file only after a read of its current version); journaled like a
   * write. Refused for a document with unsaved changes. Present on engine workspaces.
   */
  deleteFile?(path: string, signal?: AbortSignal): Promise<void>;
  /** Raw write (bytes as they are, a symbolic link, a mode change), journaled; for worktree merge-back. Present on engine workspaces. */
  putRaw?(path: string, raw: RawContent): Promise<void>;
  /**
   * Runs a command in the workspace and brings the files it created, changed or deleted into the
   * run's journal (git workspaces; see command-journal.ts). Present on engine workspaces.
   */
  journalCommand?<T>(fn: () => Promise<T>, opts?: { fenced?: (shown: string) => boolean }): Promise<CommandChanges<T>>;
  /** Moves one file; journaled (reject restores bytes and mode). Present on engine workspaces. */
  moveFile?(from: string, to: string, opts?: { overwrite?: boolean }, signal?: AbortSignal): Promise<{ from: string; to: string; bytes: number; overwrote: boolean }>;
  /** A view for one agent: its reads are remembered and its writes must be based on what it read. */
  forAgent?(agentId: string): Workspace;
  /** A view for one run: every first write of a file is journaled (checkpoint) before it happens. */
  forRun?(runId: string, task: string): RunWorkspace;
}

export interface RunWorkspace extends Workspace {
  readonly runId: string;
  /** The run ended: its journal stays for review (swarm/changes, accept, reject) until decided. */
  close(status: RunStatus): Promise<void>;
}

export type { EditResult, StringEdit, RawContent };
