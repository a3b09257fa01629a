// Rolling one journaled file back, undoing only the run's own change:
// - nobody changed the file since the run's last version → checkpoint bytes (and mode) back;
// - someone did (the user, a later run) → the run's change reverted three-way, keeping theirs,
//   or, when that does not apply cleanly, the file left as is and skipped with a reason;
// - every write and delete goes through safe-fs (no symlinked folder, no path outside the root),
//   and temp files of dead writers next to the file (or in folders the run created) are removed.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RunJournal, JournalEntry } from './journal';
import { isInside, resolveInRoot } from './sandbox';
import { readInside, removeInside, rmdirInside, sweepTemps, writeInside } from './safe-fs';
import { revertChange } from './merge3';
import { pidAlive } from './durable';

export interface RestoreOutcome {
  /** Back to their checkpoint bytes. */
  restored: string[];
  /** Changed since the run wrote them: only the run's change was reverted (three-way). */
  merged: string[];
  /** Created by the run, now deleted. */
  removed: string[];
  skipped: { path: string; reason: string }[];
}

/** What to do with one file. `null` bytes: the file is (or should be) absent. */
export type RevertPlan =
  | { kind: 'none' }
  | { kind: 'restore'; bytes: Buffer | null }
  | { kind: 'merge'; bytes: Buffer }
  | { kind: 'skip'; reason: string };

/** Restores an editor buffer: gets its text, plans, applies; undefined when it cannot (not open, no client). */
export type BufferRestorer = (abs: string, plan: (current: Buffer) => Promise<RevertPlan>) => Promise<RevertPlan | undefined>;
/** Runs `fn` holding the edit lock of `abs`. */
export type PathLock = <T>(abs: string, fn: () => Promise<T>) => Promise<T>;

function same(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/**
 * @param current the file now (null: absent)
 * @param mine the run's last version (null: it deleted the file; undefined: unknown)
 * @param original the checkpoint (null: the run created the file)
 * @param newer later runs that also wrote the file
 */
export async function planRevert(current: Buffer | null, mine: Buffer | null | undefined, original: Buffer | null, newer: string[]): Promise<RevertPlan> {
  if (same(current, original)) return { kind: 'none' };
  if (mine !== undefined && same(current, mine)) return { kind: 'restore', bytes: original };
  const who = newer.length ? `a newer run (${newer.join(', ')})` : 'the user or another run';
  const first = newer.length ? ` Reject ${newer[0]} first, then this run.` : '';
  if (mine === undefined) return { kind: 'skip', reason: 'it changed after the run\'s last recorded write (the server may have stopped mid-write), so the run\'s change cannot be told apart; left as is' };
  if (current === null) return { kind: 'skip', reason: `it was deleted after the run wrote it (by ${who}); not brought back` };
  if (original === null) return { kind: 'skip', reason: `the run created it and it was changed since (by ${who}); left in place (delete it yourself if unwanted).${first}` };
  if (mine === null) return { kind: 'skip', reason: `the run deleted it and it was re-created since (by ${who}); left as is` };
  const r = await revertChange(current, mine, original);
  if (r.ok) return { kind: 'merge', bytes: r.bytes };
  return { kind: 'skip', reason: `it was changed after the run wrote it (by ${who}) and ${r.reason}; left as is.${first}` };
}

/** Why the entry's path cannot be trusted (a tampered journal, or a symlink on the path now). */
async function pathProblem(root: string, rel: string, e: JournalEntry): Promise<string | undefined> {
  const lexical = path.resolve(root, rel);
  if (!path.isAbsolute(e.abs) || !isInside(root, e.abs) || e.abs === root || lexical !== path.resolve(e.abs)) {
    return `its recorded path is outside the workspace (${root}); not touched`;
  }
  try {
    const r = await resolveInRoot(root, rel);
    if (r.real !== e.abs) return `its folder was replaced by a symlink since the run wrote it (now leads to ${r.real}); not touched`;
  } catch (err) {
    return `${(err as Error).message.replace(/^Refused path [^:]*: /, '')}; not touched`;
  }
  return undefined;
}

export async function restoreEntry(j: RunJournal, e: JournalEntry, out: RestoreOutcome, ctx: { restoreBuffer?: BufferRestorer; newer: string[] }): Promise<boolean> {
  // Multi-root: the root that contains the entry, and its path there.
  const { root, rel } = j.placeOf(e.abs, e.path);
  const skip = (reason: string) => (out.skipped.push({ path: e.path, reason }), false);
  if (e.link !== undefined && !e.existed) return removeLink(root, rel, e, out);
  const problem = await pathProblem(root, rel, e);
  if (problem) return skip(problem);
  const original = await j.original(e).then((b) => b ?? null);
  const mine = await j.runVersion(e);
  if (e.buffer) {
    const plan = await ctx.restoreBuffer?.(e.abs, (cur) => planRevert(cur, mine, original, ctx.newer));
    if (!plan) return skip('the change is in an editor buffer and the client could not restore it; use Undo in the editor');
    return record(plan, e, out);
  }
  try {
    await sweepTemps(root, path.dirname(e.abs), pidAlive);
    const now = await readInside(root, e.abs, e.path);
    const plan = await planRevert(now?.bytes ?? null, mine, original, ctx.newer);
    if (plan.kind === 'restore' || plan.kind === 'merge') {
      if (plan.bytes === null) await removeInside(root, e.abs, e.path);
      else await writeInside(root, e.abs, e.path, plan.bytes, { mode: plan.kind === 'restore' ? e.mode : now?.mode });
    } else if (plan.kind === 'none' && original && e.mode !== undefined && now && now.mode !== e.mode) {
      await writeInside(root, e.abs, e.path, original, { mode: e.mode });
    }
    if (original === null && plan.kind !== 'skip') {
      for (const d of [...(e.createdDirs ?? [])].reverse()) {
        await sweepTemps(root, d, pidAlive);
        await rmdirInside(root, d);
      }
    }
    return record(plan, e, out);
  } catch (err) {
    return skip(`${(err as Error).message}`);
  }
}

/** A link the run created: removed when it is still that link (its folder resolved, never followed). */
async function removeLink(root: string, rel: string, e: JournalEntry, out: RestoreOutcome): Promise<boolean> {
  const skip = (reason: string) => (out.skipped.push({ path: e.path, reason }), false);
  if (!isInside(root, e.abs) || path.resolve(root, rel) !== path.resolve(e.abs)) return skip(`its recorded path is outside the workspace (${root}); not touched`);
  const parent = await resolveInRoot(root, path.posix.dirname(rel)).catch(() => undefined);
  if (!parent || path.join(parent.real, path.basename(e.abs)) !== e.abs) return skip('its folder was replaced since the run wrote it; not touched');
  const target = await fs.readlink(e.abs).catch(() => undefined);
  if (target === undefined) {
    out.removed.push(e.path);
    return true;
  }
  if (target !== e.link) return skip('the link was changed since the run made it; left as is');
  await fs.unlink(e.abs);
  out.removed.push(e.path);
  return true;
}

function record(plan: RevertPlan, e: JournalEntry, out: RestoreOutcome): boolean {
  if (plan.kind === 'skip') {
    out.skipped.push({ path: e.path, reason: plan.reason });
    return false;
  }
  if (plan.kind === 'merge') out.merged.push(e.path);
  else if (!e.existed) out.removed.push(e.path);
  else out.restored.push(e.path);
  return true;
}
