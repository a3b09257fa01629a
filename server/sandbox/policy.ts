// What one sandboxed process may do.
export interface SandboxPolicy {
  /** Folders the process may write (the workspace and its worktrees). */
  writable: string[];
  /** Paths covered with an empty folder or file. */
  hidden: string[];
  /** Extra paths forced read-only inside writable ones. */
  readOnly?: string[];
  cwd: string;
  network: boolean;
}
