// The review's state: runs with files waiting for accept/reject, and the pieces of the
// checkpoint diff URIs. No `vscode` import (unit-tested in test/unit/src/review/model.test.ts).
import type { ChangeHunk, ChangedFile, CheckpointInfo, CheckpointState, KeptWorktree } from '../../server/protocol';

export const CHECKPOINT_SCHEME = 'swarmcode-checkpoint';

export interface PendingRun {
  runId: string;
  task: string;
  state: CheckpointState;
  /** When the run's changes were listed (newest first in the view). */
  at: number;
  files: ChangedFile[];
  /** Sub-agent checkouts the run kept (something in them was not merged back). */
  kept?: KeptWorktree[];
}

/** What the left side of a diff shows: the checkpoint text, or nothing (an added file). */
export type CheckpointSide = 'original' | 'empty';

/** Path and query of a `swarmcode-checkpoint:` URI for one file of one run. */
export function checkpointUriParts(runId: string, path: string, side: CheckpointSide = 'original'): { path: string; query: string } {
  return { path: `/${path.replace(/^\/+/, '')}`, query: new URLSearchParams({ runId, side }).toString() };
}

export function parseCheckpointUri(uriPath: string, query: string): { runId: string; path: string; side: CheckpointSide } | undefined {
  const q = new URLSearchParams(query);
  const runId = q.get('runId');
  if (!runId) return undefined;
  return { runId, path: uriPath.replace(/^\/+/, ''), side: q.get('side') === 'empty' ? 'empty' : 'original' };
}

/** One letter per change, as VS Code's SCM view shows them. */
export function changeLetter(change: ChangedFile['change']): string {
  return { added: 'A', modified: 'M', deleted: 'D', unchanged: '=' }[change];
}

/** "mode 100644 → 100755" when the change includes the file's permission bits, else undefined. */
export function modeLabel(file: ChangedFile): string | undefined {
  return file.mode ? `mode ${file.mode.original} → ${file.mode.current}` : undefined;
}

/** "+3 −1" line counts of a change: the server's real line diff, else a rough one (lines only on one side). */
export function lineDelta(file: ChangedFile): { added: number; removed: number } | undefined {
  if (file.binary) return undefined;
  if (file.added !== undefined && file.removed !== undefined) return { added: file.added, removed: file.removed };
  const before = file.original === undefined ? [] : splitLines(file.original);
  const after = file.current === undefined ? [] : splitLines(file.current);
  if (file.original === undefined && file.current === undefined) return undefined;
  const count = new Map<string, number>();
  for (const l of before) count.set(l, (count.get(l) ?? 0) + 1);
  let added = 0;
  for (const l of after) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else added++;
  }
  let removed = 0;
  for (const n of count.values()) removed += n;
  return { added, removed };
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export class ReviewModel {
  private readonly runs = new Map<string, PendingRun>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Sets (or replaces) a run's files; a run with no files left is dropped. Unchanged files are not listed. */
  set(runId: string, task: string, state: CheckpointState, files: ChangedFile[], kept: KeptWorktree[] = []): void {
    const listed = files.filter((f) => f.change !== 'unchanged');
    if (listed.length === 0 && kept.length === 0) {
      this.runs.delete(runId);
      return;
    }
    const prev = this.runs.get(runId);
    this.runs.delete(runId);
    this.runs.set(runId, { runId, task: task || prev?.task || '', state, at: this.now(), files: listed, ...(kept.length ? { kept } : {}) });
  }

  /** Drops a removed kept worktree; the run goes when nothing is left. */
  removeKept(runId: string, path: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.kept = run.kept?.filter((k) => k.path !== path);
    if (run.files.length === 0 && !run.kept?.length) this.runs.delete(runId);
  }

  /** Drops decided files; the run goes when none is left. */
  remove(runId: string, paths?: string[]): void {
    const run = this.runs.get(runId);
    if (!run) return;
    if (!paths) {
      this.runs.delete(runId);
      return;
    }
    const gone = new Set(paths);
    run.files = run.files.filter((f) => !gone.has(f.path));
    if (run.files.length === 0 && !run.kept?.length) this.runs.delete(runId);
  }

  /** Newest first. */
  list(): PendingRun[] {
    return [...this.runs.values()].sort((a, b) => b.at - a.at);
  }

  get(runId: string): PendingRun | undefined {
    return this.runs.get(runId);
  }

  file(runId: string, path: string): ChangedFile | undefined {
    return this.runs.get(runId)?.files.find((f) => f.path === path);
  }

  fileCount(): number {
    let n = 0;
    for (const r of this.runs.values()) n += r.files.length;
    return n;
  }

  /** The run "Undo last run" rolls back: the newest listed one that is not still active. */
  lastDecidable(): PendingRun | undefined {
    return this.list().find((r) => r.state !== 'active' && r.files.length > 0);
  }
}

/** Of `swarm/checkpoints`' answer: the runs killed mid-run (offer restore) and the finished ones still undecided. */
export function splitCheckpoints(checkpoints: CheckpointInfo[]): { interrupted: CheckpointInfo[]; undecided: CheckpointInfo[] } {
  return {
    interrupted: checkpoints.filter((c) => c.state === 'interrupted' && c.files > 0),
    undecided: checkpoints.filter((c) => c.state === 'finished' && c.files > 0),
  };
}

/** The hunk of `file` at 1-based `line` of the current text: the one whose lines hold it (a pure deletion sits at its line). */
export function hunkAt(file: ChangedFile, line: number): ChangeHunk | undefined {
  return file.hunks?.find((h) => (h.currentLines === 0 ? line === Math.max(1, h.currentStart) || line === h.currentStart - 1 : line >= h.currentStart && line < h.currentStart + h.currentLines));
}

/** 0-based line a hunk's CodeLens goes above (a deletion: the line after the removed ones). */
export function lensLine(h: ChangeHunk): number {
  return Math.max(0, h.currentStart - 1);
}

/** "Lines 3–5" / "Line 3" / "After line 2" label of a hunk in the current text. */
export function hunkLabel(h: ChangeHunk): string {
  if (h.currentLines === 0) return `Removed after line ${h.currentStart - 1}`;
  return h.currentLines === 1 ? `Line ${h.currentStart}` : `Lines ${h.currentStart}–${h.currentStart + h.currentLines - 1}`;
}
