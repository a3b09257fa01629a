// Review by hunk: accept or reject some blocks of a run's change to a file, leave the rest pending.
// Works on the exact bytes (UTF-8 text, BOM and line ends as stored); a file whose bytes do not
// round-trip through UTF-8, a binary file, an added or deleted file and a change in an editor
// buffer are decided as a whole only (a clear reason, nothing changed).
import type { HunkSelection } from '../protocol';
import type { RunJournal, JournalEntry, PathLock } from './journal';
import { decideHunks, HunkError } from './hunks';
import { looksBinary } from './files';
import { readInside, writeInside } from './safe-fs';
import type { DocumentStore } from './types';

export interface HunkOutcome {
  /** Files now fully decided (dropped from the journal). */
  settled: string[];
  /** Files with hunks still pending. */
  partial: string[];
}

function exactText(buf: Buffer, shown: string): string {
  if (looksBinary(buf)) throw new HunkError(`${shown} is binary; accept or reject it as a whole.`);
  const text = buf.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(buf)) throw new HunkError(`${shown} is not UTF-8 text; accept or reject it as a whole.`);
  return text;
}

interface Prepared {
  e: JournalEntry;
  ids: string[];
  original: string;
  current: string;
}

/** Checks every selection before anything changes: one bad selection fails the call with no file touched. */
async function prepare(j: RunJournal, selections: HunkSelection[], documents: DocumentStore): Promise<Prepared[]> {
  const byPath = new Map(j.list().map((e) => [e.path, e]));
  const out: Prepared[] = [];
  const seen = new Set<string>();
  for (const sel of selections) {
    const rel = sel.path.replace(/\\/g, '/').replace(/^\.\//, '');
    if (seen.has(rel)) throw new HunkError(`${rel} is listed twice in hunks; list each file once.`);
    seen.add(rel);
    const e = byPath.get(rel);
    if (!e) throw new HunkError(`${rel} has no pending change in run ${j.runId}.`);
    if (e.buffer) throw new HunkError(`${rel} was changed in an editor buffer; accept or reject it as a whole.`);
    if (!e.existed) throw new HunkError(`${rel} was created by the run; accept or reject it as a whole.`);
    if (documents.isDirty(e.abs)) throw new HunkError(`${rel} has unsaved changes in the editor; save or revert it first.`);
    const cur = (await readInside(j.rootOf(e.abs), e.abs, rel).catch(() => undefined))?.bytes;
    if (!cur) throw new HunkError(`${rel} was deleted; accept or reject it as a whole.`);
    const original = exactText((await j.original(e))!, rel);
    const current = exactText(cur, rel);
    // Validates the ids now (throws on an unknown one).
    decideHunks(original, current, sel.ids, 'accept');
    out.push({ e, ids: sel.ids, original, current });
  }
  return out;
}

/** Accept: the chosen hunks become part of the checkpoint; the file on disk is not touched. */
export async function acceptHunks(j: RunJournal, selections: HunkSelection[], documents: DocumentStore, lock: PathLock): Promise<HunkOutcome> {
  const out: HunkOutcome = { settled: [], partial: [] };
  for (const p of await prepare(j, selections, documents)) {
    await lock(p.e.abs, async () => {
      const checkpoint = decideHunks(p.original, p.current, p.ids, 'accept');
      if (checkpoint === p.current) {
        await j.settle(p.e);
        out.settled.push(p.e.path);
      } else {
        await j.setOriginal(p.e, Buffer.from(checkpoint, 'utf8'));
        out.partial.push(p.e.path);
      }
    });
  }
  return out;
}

/** Reject: the chosen hunks' checkpoint lines go back into the file (atomic write, mode kept; the checkpoint's mode once none is left). */
export async function rejectHunks(j: RunJournal, selections: HunkSelection[], documents: DocumentStore, lock: PathLock): Promise<HunkOutcome> {
  const out: HunkOutcome = { settled: [], partial: [] };
  for (const p of await prepare(j, selections, documents)) {
    await lock(p.e.abs, async () => {
      // Re-read under the lock: a write since prepare() makes the ids stale (decideHunks throws).
      const cur = await readInside(j.rootOf(p.e.abs), p.e.abs, p.e.path);
      if (!cur) throw new HunkError(`${p.e.path} was deleted meanwhile; nothing changed.`);
      const text = decideHunks(p.original, exactText(cur.bytes, p.e.path), p.ids, 'reject');
      const bytes = Buffer.from(text, 'utf8');
      // Every hunk rejected: the file is its checkpoint again, permission bits included.
      const back = text === p.original && p.e.mode !== undefined ? { mode: p.e.mode } : undefined;
      await writeInside(j.rootOf(p.e.abs), p.e.abs, p.e.path, bytes, back);
      // The run's version is now this text: a later whole-file reject restores the checkpoint.
      await j.after(p.e.abs, bytes);
      if (text === p.original) {
        await j.settle(p.e);
        out.settled.push(p.e.path);
      } else out.partial.push(p.e.path);
    });
  }
  return out;
}
