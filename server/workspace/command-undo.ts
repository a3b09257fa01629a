// Undoing one command's change to a file it was not allowed to change (a refactor fix agent's
// command that reached another shard's file): the file goes back, byte for byte, to its state in
// the snapshot taken just before the command (not the run's checkpoint: earlier changes of the
// run, e.g. the shard's own merged edit, stay). Done under the file's edit lock, and only when
// the file is still what the command left, so a write that came after it is never undone.
import type { RunJournal, PathLock } from './journal';
import { readInside, removeInside, removeLinkInside, writeInside } from './safe-fs';

/** A file's state in a snapshot: bytes and git mode (`100644` / `100755`, `120000`: a symbolic link, bytes its target); null = absent. */
export type SnapshotFile = { bytes: Buffer; gitMode: string } | null;

const LINK = '120000';

export type UndoOutcome = { undone: true } | { undone: false; reason: string };

function same(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** Permission bits to write back: the current ones, with the executable bits as they were before. */
function modeFor(before: { gitMode: string }, after: SnapshotFile, current: number | undefined): number {
  const was = before.gitMode === '100755';
  const base = current ?? (was ? 0o755 : 0o644);
  if (after && after.gitMode === before.gitMode) return base;
  return was ? base | ((base & 0o444) >> 2) : base & ~0o111;
}

/**
 * Puts `abs` back to `before`. `after`: what the command left (from the snapshot after it).
 * Refuses (leaves the file) when it changed again since, or when the run's own tool write is
 * what is there now (another agent wrote it while the command ran: not this command's change).
 */
export async function undoCommandChange(dir: string, abs: string, shown: string, before: SnapshotFile, after: SnapshotFile, journal: RunJournal, lock: PathLock): Promise<UndoOutcome> {
  if (before?.gitMode === LINK) return { undone: false, reason: 'it was a symbolic link before the command; symbolic links are not restored' };
  return lock(abs, async () => {
    if (after?.gitMode === LINK) {
      // The command made it a symbolic link: the link goes (when it is still that link), the file comes back.
      if (!(await removeLinkInside(dir, abs, shown, after.bytes.toString('utf8')))) return { undone: false, reason: 'it changed again after the command' };
      if (before) await writeInside(dir, abs, shown, before.bytes, { mode: modeFor(before, null, undefined) });
      if (journal.has(abs)) await journal.after(abs, before ? before.bytes : null);
      return { undone: true };
    }
    const now = await readInside(dir, abs, shown);
    const nowBytes = now?.bytes ?? null;
    if (!same(nowBytes, after?.bytes ?? null)) return { undone: false, reason: 'it changed again after the command' };
    const entry = journal.list().find((e) => e.abs === abs);
    if (entry && !entry.buffer) {
      const mine = await journal.runVersion(entry);
      if (mine !== undefined && same(mine, nowBytes) && !same(mine, before?.bytes ?? null)) return { undone: false, reason: 'an edit of this run (another agent) wrote it while the command ran' };
    }
    if (before === null) await removeInside(dir, abs, shown);
    else await writeInside(dir, abs, shown, before.bytes, { mode: modeFor(before, after, now?.mode) });
    // A file the run changed before the command: the run's version is the restored one again.
    if (entry) await journal.after(abs, before ? before.bytes : null);
    return { undone: true };
  });
}
