// Review over a run's checkpoint journal: what changed (checkpoint vs now), accept, reject (rollback).
import type { AcceptResult, ChangedFile, ChangesResult, CheckpointsResult, HunkSelection, RejectResult } from '../protocol';
import { ToolError } from './tool-error';
import type { DocumentStore } from './types';
import { decodeText } from './encoding';
import { isInside } from './sandbox';
import { readInside } from './safe-fs';
import { journalStoreFor } from './journal-store';
import type { RunJournal } from './journal';
import { engineFor } from './workspace';
import { hunksOf, lineDelta } from './hunks';
import { acceptHunks, rejectHunks } from './review-hunks';

export class ReviewError extends Error {
  override name = 'ReviewError';
}

export async function listCheckpoints(root: string): Promise<CheckpointsResult> {
  return { checkpoints: await journalStoreFor(root).list() };
}

async function journalOf(root: string, runId: string): Promise<RunJournal> {
  const store = journalStoreFor(root);
  const j = await store.get(runId);
  if (!j) throw new ReviewError(`No checkpoint for run ${runId}: it wrote no files, or its changes were already accepted or rejected.`);
  return j;
}

function assertDecidable(root: string, j: RunJournal): void {
  if (journalStoreFor(root).stateOf(j) === 'active') throw new ReviewError(`Run ${j.runId} is still running; stop it (swarm/cancel) before accepting or rejecting its changes.`);
}

function textOf(buf: Buffer | undefined): { text?: string; binary?: boolean } {
  if (!buf) return {};
  try {
    return { text: decodeText(buf, '').text };
  } catch (err) {
    if (err instanceof ToolError && /binary/.test(err.message)) return { binary: true };
    return { text: buf.toString('utf8') };
  }
}

export async function runChanges(root: string, documents: DocumentStore, runId: string, withContent = true): Promise<ChangesResult> {
  const j = await journalOf(root, runId);
  const files: ChangedFile[] = [];
  for (const e of j.list()) {
    const original = await j.original(e);
    const open = e.buffer ? documents.get(e.abs) : undefined;
    // A tampered entry pointing outside the workspace is never read (reject skips it with a reason).
    const file = open === undefined && isInside(j.rootOf(e.abs), e.abs) ? await readInside(j.rootOf(e.abs), e.abs, e.path).catch(() => undefined) : undefined;
    const disk = file?.bytes;
    const orig = e.buffer ? { text: original?.toString('utf8') } : textOf(original);
    const cur = open !== undefined ? { text: open } : textOf(disk);
    const exists = open !== undefined || disk !== undefined;
    const same = sameContent(original, disk, orig.text, cur.text);
    // A change of permission bits alone (`chmod +x`) is a change too: reject restores the mode.
    const mode = e.existed && !e.buffer && file && e.mode !== undefined && file.mode !== e.mode ? { original: gitMode(e.mode), current: gitMode(file.mode) } : undefined;
    const change: ChangedFile['change'] = !e.existed ? (exists ? 'added' : 'unchanged') : !exists ? 'deleted' : same && !mode ? 'unchanged' : 'modified';
    const f: ChangedFile = { path: e.path, change };
    if (mode) f.mode = mode;
    if (orig.binary || cur.binary) f.binary = true;
    if (e.buffer) f.viaEditor = true;
    if (!f.binary && (orig.text !== undefined || cur.text !== undefined)) {
      Object.assign(f, lineDelta(orig.text ?? '', cur.text ?? ''));
      if (change === 'modified' && !same && !e.buffer && orig.text !== undefined && cur.text !== undefined) f.hunks = hunksOf(orig.text, cur.text);
      if (cur.text !== undefined && hasConflictMarkers(cur.text)) f.conflict = true;
    }
    if (withContent) {
      if (orig.text !== undefined) f.original = orig.text;
      if (cur.text !== undefined) f.current = cur.text;
    }
    files.push(f);
  }
  return { runId, state: journalStoreFor(root).stateOf(j), files };
}

/** Permission bits as git writes a regular file's mode (`100644`, `100755`). */
export function gitMode(bits: number): string {
  return (0o100000 | (bits & 0o7777)).toString(8);
}

function sameContent(a: Buffer | undefined, b: Buffer | undefined, at?: string, bt?: string): boolean {
  if (a && b) return a.equals(b);
  return at !== undefined && at === bt;
}

/** A line `<<<<<<< ` followed later by `=======` and `>>>>>>> ` (what a three-way merge writes). */
export function hasConflictMarkers(text: string): boolean {
  return /^<{7}( |$)[\s\S]*^={7}$[\s\S]*^>{7}( |$)/m.test(text);
}

const NO_DOCUMENTS: DocumentStore = { get: () => undefined, isDirty: () => false };

function lockOf(root: string) {
  const engine = engineFor(root);
  return <T>(abs: string, fn: () => Promise<T>) => (engine ? engine.withLock(abs, fn) : fn());
}

export async function acceptChanges(root: string, runId: string, paths?: string[], hunks?: HunkSelection[], documents: DocumentStore = NO_DOCUMENTS): Promise<AcceptResult> {
  const j = await journalOf(root, runId);
  assertDecidable(root, j);
  const byHunk = hunks?.length ? await acceptHunks(j, hunks, documents, lockOf(root)) : undefined;
  const accepted = paths || !byHunk ? await j.accept(paths) : [];
  if (byHunk) accepted.push(...byHunk.settled);
  const remaining = j.list().length;
  if (remaining === 0) journalStoreFor(root).forget(runId);
  // The command snapshots of decided runs are garbage now (in the background; never blocks a run).
  void journalStoreFor(root).pruneSnapshots();
  return { runId, accepted, ...(byHunk ? { partial: byHunk.partial } : {}), remaining };
}

export async function rejectChanges(root: string, runId: string, paths?: string[], hunks?: HunkSelection[], documents: DocumentStore = NO_DOCUMENTS): Promise<RejectResult> {
  const j = await journalOf(root, runId);
  assertDecidable(root, j);
  const engine = engineFor(root);
  const lock = lockOf(root);
  const newer = await journalStoreFor(root).newerWriters(j);
  const byHunk = hunks?.length ? await rejectHunks(j, hunks, documents, lock) : undefined;
  const out = paths || !byHunk ? await j.rollback(paths, lock, engine ? (abs, plan) => engine.restoreBuffer(abs, plan) : undefined, newer) : { restored: [], merged: [], removed: [], skipped: [] };
  if (byHunk) {
    out.restored.push(...byHunk.settled);
    Object.assign(out, { partial: byHunk.partial });
  }
  const remaining = j.list().length;
  if (remaining === 0) journalStoreFor(root).forget(runId);
  void journalStoreFor(root).pruneSnapshots();
  return { runId, ...out, remaining };
}
