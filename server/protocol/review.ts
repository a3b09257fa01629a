import { RequestType } from './rpc';
import type { ThinkingMode, RunResult, RunStatus } from '../protocol';

// Edit review and checkpoints (issue 4). Every run journals the original bytes of each file
// before its first write (outside the workspace); the journal backs review, undo and crash restore.

/** `active`: the run is going; `finished`: over, waiting for accept/reject; `interrupted`: the server died mid-run. */
export type CheckpointState = 'active' | 'finished' | 'interrupted';

export interface CheckpointInfo {
  runId: string;
  task: string;
  startedAt: number;
  finishedAt?: number;
  state: CheckpointState;
  status?: RunStatus;
  /** Files the run wrote that are not yet accepted or rejected. */
  files: number;
}

export interface CheckpointsResult {
  checkpoints: CheckpointInfo[];
}

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'unchanged';

/** One block of changed lines (lines are 1-based; a pure insertion has originalLines 0). */
export interface ChangeHunk {
  /** Stable while the file and its checkpoint stay the same; pass it to swarm/accept / swarm/reject. */
  id: string;
  originalStart: number;
  originalLines: number;
  currentStart: number;
  currentLines: number;
  added: number;
  removed: number;
}

/** Hunks of one file to decide (ids from ChangedFile.hunks). */
export interface HunkSelection {
  path: string;
  ids: string[];
}

export interface ChangedFile {
  /** Workspace-relative, forward slashes. */
  path: string;
  change: ChangeKind;
  /** Text at the checkpoint (absent when the file was added, or binary, or withContent is false). */
  original?: string;
  /** Text now (the editor buffer when the edit went there; absent when deleted, binary, or withContent is false). */
  current?: string;
  binary?: boolean;
  /** The run's change went into an unsaved editor buffer (workspace/applyEdit). */
  viaEditor?: boolean;
  /** Lines added / removed (a real line diff); absent for binary files. */
  added?: number;
  removed?: number;
  /** The changed blocks of a modified text file (absent for added, deleted, binary or editor-buffer changes). */
  hunks?: ChangeHunk[];
  /** The file holds unresolved merge conflict markers (`<<<<<<<`) the run wrote. */
  conflict?: boolean;
  /**
   * Its permission bits changed (e.g. `chmod +x`), as git writes modes: `100644` → `100755`.
   * A change of mode alone is `modified` with no hunks; reject restores the mode, accept keeps it.
   */
  mode?: { original: string; current: string };
}

export interface ChangesParams {
  runId: string;
  /** Include `original` / `current` texts (default true). */
  withContent?: boolean;
}

/** A sub-agent's checkout kept because something in it was not merged back (remove it with swarm/removeWorktree). */
export interface KeptWorktree {
  runId: string;
  agentId: string;
  /** Absolute folder of the checkout. */
  path: string;
  /** What was not merged, one line per file. */
  reasons: string[];
}

export interface ChangesResult {
  runId: string;
  state: CheckpointState;
  files: ChangedFile[];
  /** Worktree runs: checkouts kept for the user to look at. */
  keptWorktrees?: KeptWorktree[];
}

export interface RemoveWorktreeParams {
  /** A KeptWorktree.path from swarm/changes. */
  path: string;
}

/** Client → server. Deletes a kept sub-agent checkout listed by swarm/changes. */
export const RemoveWorktreeRequest = new RequestType<RemoveWorktreeParams, { removed: boolean }, void>('swarm/removeWorktree');

export interface ReviewParams {
  runId: string;
  /** Workspace-relative paths decided as a whole; all of the run's files when both this and `hunks` are absent. */
  paths?: string[];
  /** Decide only these hunks of these (modified, UTF-8 text) files; the rest stay pending. */
  hunks?: HunkSelection[];
}

export interface AcceptResult {
  runId: string;
  accepted: string[];
  /** Files some of whose hunks were accepted (the others still pending). */
  partial?: string[];
  /** Files still waiting for a decision. */
  remaining: number;
}

export interface RejectResult {
  runId: string;
  /** Restored to their checkpoint bytes (nobody changed them since the run). */
  restored: string[];
  /** Changed since the run wrote them: only the run's change was reverted (three-way), the later changes kept. */
  merged: string[];
  /** Created by the run, now deleted. */
  removed: string[];
  /** Left as they are, with why (changed since and not cleanly revertible, a symlink on the path, ...); they stay in the journal. */
  skipped: { path: string; reason: string }[];
  /** Files some of whose hunks were put back (the others still pending). */
  partial?: string[];
  remaining: number;
}

/** Client → server. Journals of this workspace, newest first; `interrupted` ones are the restore offer after a crash. */
export const CheckpointsRequest = new RequestType<Record<string, never>, CheckpointsResult, void>('swarm/checkpoints');
/** Client → server. The files a run changed, with checkpoint and current text for a diff view. */
export const ChangesRequest = new RequestType<ChangesParams, ChangesResult, void>('swarm/changes');
/** Client → server. Keep the run's changes to these files (drops them from the journal). */
export const AcceptRequest = new RequestType<ReviewParams, AcceptResult, void>('swarm/accept');
/** Client → server. Put these files back exactly as they were before the run (rollback). */
export const RejectRequest = new RequestType<ReviewParams, RejectResult, void>('swarm/reject');

// ---------------------------------------------------------------------------
// Swarm-driven refactor (issue 4): sites found, sharded, edited in parallel, tests run, failures sent back.

export interface RefactorParams {
  /** Chosen by the client; `swarm/event`s carry it, `swarm/cancel` stops it, `swarm/changes` reviews it. */
  runId: string;
  instruction: string;
  scope?: {
    /** ripgrep-style glob limiting the files ("src/**\/*.ts"). */
    glob?: string;
    /** Text (or regex with `regex: true`) that marks the sites. */
    pattern?: string;
    regex?: boolean;
  };
  /** Test command; detected from the project when absent (npm/pnpm/yarn test, pytest, go test, cargo test). `''` = no tests. */
  testCommand?: string;
  /** At most this many shards (sub-agents), default 16. */
  maxShards?: number;
  /** Rounds of giving test failures to the responsible shards (a fix sub-agent per shard), default 2. */
  fixRounds?: number;
  thinking?: ThinkingMode;
  /** Each shard in its own git worktree, merged back (see RunParams.worktrees); the tests run on the merged result. */
  worktrees?: boolean;
}

export interface RefactorShard {
  id: string;
  files: string[];
  /** Matching lines in those files (1 per file for a glob-only scope). */
  sites: number;
  /** The final test run's failures are attributed to this shard. */
  failing?: boolean;
  /** After the tests: `passed` (never blamed), `fixed` (blamed, then its fix rounds made its tests pass), `failing`. */
  outcome?: 'passed' | 'fixed' | 'failing';
  /** Fix rounds this shard was given (a sub-agent each). */
  fixRounds?: number;
  /** Files its fix sub-agents changed. */
  fixedFiles?: string[];
}

/** How a failing test was traced to a shard (docs/protocol.md, swarm/refactor). */
export type RefactorBlameHow = 'named' | 'imports' | 'symbols' | 'bisect' | 'output';

/** One run of the tests on the merged result, and where its failures were traced. */
export interface RefactorRound {
  round: number;
  passed: boolean;
  exitCode: number | null;
  /** Failing test files, as the runner's output names them. */
  failingTests: string[];
  blamed: { shard: string; how: RefactorBlameHow; tests: string[] }[];
  /** Failing tests no shard's change reaches. */
  unattributed: string[];
  /** Failing tests that fail with every shard's change put back too (not the refactor's; no shard is blamed). */
  preexisting?: string[];
  /** Test runs bisection took (on a scratch copy). */
  bisectRuns?: number;
}

/** The server's own test run on the merged result. */
export interface RefactorTests {
  command: string;
  passed: boolean;
  exitCode: number | null;
  /** Head and tail of the output. */
  output: string;
}

export interface RefactorResult extends RunResult {
  shards: RefactorShard[];
  /** The last test run (on the merged result). */
  tests?: RefactorTests;
  /** Every test run, first to last; fix rounds happen between them. */
  rounds?: RefactorRound[];
  /** Files the refactor wrote (review them with swarm/changes). */
  changedFiles: string[];
}

/** Client → server. Resolves when the refactor (and its test rounds) ends. */
export const RefactorRequest = new RequestType<RefactorParams, RefactorResult, void>('swarm/refactor');
