// Review over a run's checkpoint journal: what changed (checkpoint vs now), accept, reject (rollback).
import type { AcceptResult, ChangedFile, ChangesResult, CheckpointsResult, RejectResult } from '../protocol';
import { ToolError } from '../tools/types';
import type { DocumentStore } from './types';
import { decodeText } from './encoding';
import { isInside } from './sandbox';
import { readInside } from './safe-fs';
import { journalStoreFor } from './journal-store';
import type { RunJournal } from './journal';
import { engineFor } from './workspace';

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
    const disk = open === undefined && isInside(root, e.abs) ? await readInside(root, e.abs, e.path).then((f) => f?.bytes, () => undefined) : undefined;
    const orig = e.buffer ? { text: original?.toString('utf8') } : textOf(original);
    const cur = open !== undefined ? { text: open } : textOf(disk);
    const exists = open !== undefined || disk !== undefined;
    const change: ChangedFile['change'] = !e.existed ? (exists ? 'added' : 'unchanged') : !exists ? 'deleted' : sameContent(original, disk, orig.text, cur.text) ? 'unchanged' : 'modified';
    const f: ChangedFile = { path: e.path, change };
    if (orig.binary || cur.binary) f.binary = true;
    if (e.buffer) f.viaEditor = true;
    if (withContent) {
      if (orig.text !== undefined) f.original = orig.text;
      if (cur.text !== undefined) f.current = cur.text;
    }
    files.push(f);
  }
  return { runId, state: journalStoreFor(root).stateOf(j), files };
}

function sameContent(a: Buffer | undefined, b: Buffer | undefined, at?: string, bt?: string): boolean {
  if (a && b) return a.equals(b);
  return at !== undefined && at === bt;
}

export async function acceptChanges(root: string, runId: string, paths?: string[]): Promise<AcceptResult> {
  const j = await journalOf(root, runId);
  assertDecidable(root, j);
  const accepted = await j.accept(paths);
  const remaining = j.list().length;
  if (remaining === 0) journalStoreFor(root).forget(runId);
  return { runId, accepted, remaining };
}

export async function rejectChanges(root: string, runId: string, paths?: string[]): Promise<RejectResult> {
  const j = await journalOf(root, runId);
  assertDecidable(root, j);
  const engine = engineFor(root);
  const lock = <T>(abs: string, fn: () => Promise<T>) => (engine ? engine.withLock(abs, fn) : fn());
  const newer = await journalStoreFor(root).newerWriters(j);
  const out = await j.rollback(paths, lock, engine ? (abs, plan) => engine.restoreBuffer(abs, plan) : undefined, newer);
  const remaining = j.list().length;
  if (remaining === 0) journalStoreFor(root).forget(runId);
  return { runId, ...out, remaining };
}
