// Hunks of a run's change to one file: the blocks of lines that differ between the checkpoint
// text and the current text (a real line diff, the `diff` package's Myers diffLines). Accepting a
// hunk moves it into the checkpoint (it is no longer pending); rejecting one puts its checkpoint
// lines back into the file. Both rebuild text from the diff's own line tokens, which keep their
// line ends, so a CRLF file, a BOM and a missing final newline come out byte for byte.
import { createHash } from 'node:crypto';
import { diffLines } from 'diff';
import type { ChangeHunk } from '../protocol';

/** One region of the file: unchanged (`same`) or a hunk with its checkpoint and current lines. */
interface Segment {
  same?: string;
  hunk?: ChangeHunk & { before: string; after: string };
}

/** Diffs longer than this many edit steps are one hunk (the whole file), never a hang. */
const MAX_EDIT_LENGTH = 20_000;

function lineCount(s: string): number {
  if (s === '') return 0;
  const n = s.split('\n').length;
  return s.endsWith('\n') ? n - 1 : n;
}

function segmentsOf(original: string, current: string): Segment[] {
  const changes = diffLines(original, current, { maxEditLength: MAX_EDIT_LENGTH }) ?? [
    { value: original, removed: true, added: false, count: lineCount(original) },
    { value: current, added: true, removed: false, count: lineCount(current) },
  ];
  const out: Segment[] = [];
  let oldLine = 1;
  let newLine = 1;
  let open: { before: string; after: string; oldStart: number; newStart: number } | undefined;
  // An id names a hunk by its content (and which repeat of the same content it is), so it stays
  // the same while other hunks of the file are accepted or rejected.
  const repeats = new Map<string, number>();
  const close = () => {
    if (!open) return;
    const { before, after, oldStart, newStart } = open;
    const originalLines = lineCount(before);
    const currentLines = lineCount(after);
    const key = `${before}\0${after}`;
    const k = repeats.get(key) ?? 0;
    repeats.set(key, k + 1);
    const id = createHash('sha1').update(`${k}\0${key}`).digest('hex').slice(0, 12);
    out.push({ hunk: { id, originalStart: oldStart, originalLines, currentStart: newStart, currentLines, added: currentLines, removed: originalLines, before, after } });
    open = undefined;
  };
  for (const c of changes) {
    const n = lineCount(c.value);
    if (!c.added && !c.removed) {
      close();
      out.push({ same: c.value });
      oldLine += n;
      newLine += n;
      continue;
    }
    open ??= { before: '', after: '', oldStart: oldLine, newStart: newLine };
    if (c.removed) {
      open.before += c.value;
      oldLine += n;
    } else {
      open.after += c.value;
      newLine += n;
    }
  }
  close();
  return out;
}

/** The hunks between `original` and `current` (empty when equal), in file order. */
export function hunksOf(original: string, current: string): ChangeHunk[] {
  return segmentsOf(original, current).flatMap((s) => (s.hunk ? [publicHunk(s.hunk)] : []));
}

function publicHunk(h: ChangeHunk & { before: string; after: string }): ChangeHunk {
  const { before: _b, after: _a, ...rest } = h;
  return rest;
}

export class HunkError extends Error {
  override name = 'HunkError';
}

/**
 * Applies a decision to some hunks: `accept` returns the new checkpoint text (those hunks taken
 * into it), `reject` returns the new current text (those hunks put back as they were). Unknown ids
 * (the file changed since the client listed its hunks) throw, and nothing is changed.
 */
export function decideHunks(original: string, current: string, ids: string[], decision: 'accept' | 'reject'): string {
  const segments = segmentsOf(original, current);
  const known = new Set(segments.flatMap((s) => (s.hunk ? [s.hunk.id] : [])));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length) throw new HunkError(`No hunk ${missing.join(', ')} in this file now (it changed since the hunks were listed); list the changes again.`);
  const chosen = new Set(ids);
  let text = '';
  for (const s of segments) {
    if (s.same !== undefined) text += s.same;
    else if (s.hunk) {
      const pick = chosen.has(s.hunk.id);
      // accept: chosen hunks take their new lines into the checkpoint; the rest keep the old.
      // reject: chosen hunks go back to their old lines in the file; the rest keep the new.
      text += decision === 'accept' ? (pick ? s.hunk.after : s.hunk.before) : pick ? s.hunk.before : s.hunk.after;
    }
  }
  return text;
}

/** Line counts of a change from a real line diff. */
export function lineDelta(original: string, current: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const h of hunksOf(original, current)) {
    added += h.added;
    removed += h.removed;
  }
  return { added, removed };
}
