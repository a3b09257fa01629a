// The workspace as tools see it: a sandboxed root plus the editor's unsaved buffers.

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
}
