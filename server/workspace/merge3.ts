// Line-based, region-aware three-way merge and region mapping (pure; no I/O) — plus revertChange below (git merge-file, for rollback).
//
// A "hunk" is one change between two versions of a text: base lines [aStart, aEnd) became the
// other version's lines [bStart, bEnd). Two changes conflict only when they OVERLAP in the base:
// their base ranges share a line, both insert at the same point (with different text), or one
// inserts strictly inside the other's range. Changes that merely touch (line 3 changed by one
// side, line 4 by the other; an insertion right before or after a changed range) both land.
// Identical changes on both sides land once.
import { diffArrays } from 'diff';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { looksBinary } from './files';

export interface Hunk {
  /** Base lines [aStart, aEnd) (0-based) ... */
  aStart: number;
  aEnd: number;
  /** ... became these lines [bStart, bEnd) of the other version. */
  bStart: number;
  bEnd: number;
  /** The new lines (each keeps its line terminator). */
  lines: string[];
}

export interface MergeConflict {
  /** 1-based first line of the conflicting region in the base, and how many base lines it spans. */
  baseLine: number;
  baseCount: number;
  /** 1-based line in the merged text where the conflict (or its `<<<<<<<` marker) starts. */
  line: number;
  base: string;
  ours: string;
  theirs: string;
}

export interface Merge3Result {
  /** The merged text; conflicts are resolved per `onConflict` (markers by default). */
  text: string;
  conflicts: MergeConflict[];
}

export interface Merge3Options {
  /** What goes into `text` for a conflicting region: git-style markers (default), or one side. */
  onConflict?: 'markers' | 'ours' | 'theirs';
  /** Labels after the markers (default `ours` / `theirs`). */
  labels?: { ours?: string; theirs?: string };
}

/**
 * Diffs of more than this many changed lines (after the common head and tail are cut) are not
 * computed: the rest counts as one change (a conflict when both sides changed). Myers' diff costs
 * O(lines × changed lines); this keeps two unrelated 200,000-line files under about a second.
 */
export const MAX_CHANGED_LINES = 1000;

/** Splits into lines, each keeping its terminator (`\n`; a `\r\n` stays inside its line). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let from = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', from)) {
    out.push(text.slice(from, i + 1));
    from = i + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/** The changes that turn `a` into `b`, by line, in order. */
export function diffHunks(a: string, b: string): Hunk[] {
  return hunksOf(splitLines(a), splitLines(b));
}

function hunksOf(al: string[], bl: string[]): Hunk[] {
  // Common head and tail first: the diff below only sees the part in between.
  let head = 0;
  while (head < al.length && head < bl.length && al[head] === bl[head]) head++;
  let tail = 0;
  while (tail < al.length - head && tail < bl.length - head && al[al.length - 1 - tail] === bl[bl.length - 1 - tail]) tail++;
  const am = al.slice(head, al.length - tail);
  const bm = bl.slice(head, bl.length - tail);
  if (am.length === 0 && bm.length === 0) return [];
  const whole = (): Hunk[] => [{ aStart: head, aEnd: head + am.length, bStart: head, bEnd: head + bm.length, lines: bm }];
  if (am.length === 0 || bm.length === 0) return whole();
  const parts = diffArrays(am, bm, { maxEditLength: MAX_CHANGED_LINES });
  if (!parts) return whole();
  const hunks: Hunk[] = [];
  let ai = head;
  let bi = head;
  let open: Hunk | undefined;
  for (const p of parts) {
    const n = p.count ?? p.value.length;
    if (!p.added && !p.removed) {
      open = undefined;
      ai += n;
      bi += n;
      continue;
    }
    if (!open) hunks.push((open = { aStart: ai, aEnd: ai, bStart: bi, bEnd: bi, lines: [] }));
    if (p.removed) {
      ai += n;
      open.aEnd = ai;
    } else {
      open.lines.push(...bl.slice(bi, bi + n));
      bi += n;
      open.bEnd = bi;
    }
  }
  return hunks;
}

/** Do two base ranges [s1,e1) and [s2,e2) overlap in the sense above (not merely touch)? */
function overlaps(s1: number, e1: number, s2: number, e2: number): boolean {
  if (s1 === e1 && s2 === e2) return s1 === s2; // two insertions at one point
  if (s1 === e1) return s2 < s1 && s1 < e2; // insertion strictly inside a range
  if (s2 === e2) return s1 < s2 && s2 < e1;
  return s1 < e2 && s2 < e1;
}

/**
 * Where the region [start, end) (character offsets into `a`, end > start) lands in `b`, or
 * undefined when any line it touches was changed (or a line was inserted inside it) between `a`
 * and `b`. A change that only touches the region's first or last line boundary does not count.
 */
export function mapRegion(a: string, b: string, start: number, end: number, hunks: Hunk[] = diffHunks(a, b)): number | undefined {
  return regionMapper(a, b, hunks)(start, end);
}

/** mapRegion for many regions of the same two texts (line tables built once). */
export function regionMapper(a: string, b: string, hunks: Hunk[] = diffHunks(a, b)): (start: number, end: number) => number | undefined {
  const aStarts = lineStarts(a);
  const bStarts = lineStarts(b);
  return (start, end) => {
    const ls = lineOf(aStarts, start);
    const le = lineOf(aStarts, Math.max(start, end - 1)) + 1;
    let delta = 0;
    for (const h of hunks) {
      if (overlaps(h.aStart, h.aEnd, ls, le)) return undefined;
      // Changes wholly before the region (an insertion right at its first line included) shift it.
      if (h.aEnd <= ls) delta += h.bEnd - h.bStart - (h.aEnd - h.aStart);
    }
    return bStarts[ls + delta] + (start - aStarts[ls]);
  };
}

/** Offset where each line starts, plus one past the end. */
function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  if (out[out.length - 1] !== text.length) out.push(text.length);
  return out;
}

/** 0-based line containing character `pos` (binary search over line starts). */
function lineOf(starts: number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Three-way merge of `ours` and `theirs`, both derived from `base`. */
export function merge3(base: string, ours: string, theirs: string, opts: Merge3Options = {}): Merge3Result {
  const bl = splitLines(base);
  const tagged = [
    ...hunksOf(bl, splitLines(ours)).map((h) => ({ h, side: 0 as const })),
    ...hunksOf(bl, splitLines(theirs)).map((h) => ({ h, side: 1 as const })),
  ].sort((x, y) => x.h.aStart - y.h.aStart || x.h.aEnd - y.h.aEnd || x.side - y.side);

  // Clusters of mutually overlapping hunks (transitively), in base order.
  const clusters: Array<{ start: number; end: number; items: typeof tagged }> = [];
  for (const t of tagged) {
    const last = clusters[clusters.length - 1];
    if (last && last.items.some((o) => o.side !== t.side && overlaps(o.h.aStart, o.h.aEnd, t.h.aStart, t.h.aEnd))) {
      last.items.push(t);
      last.start = Math.min(last.start, t.h.aStart);
      last.end = Math.max(last.end, t.h.aEnd);
    } else {
      clusters.push({ start: t.h.aStart, end: t.h.aEnd, items: [t] });
    }
  }

  const out: string[] = [];
  const conflicts: MergeConflict[] = [];
  const mode = opts.onConflict ?? 'markers';
  let at = 0;
  for (const c of clusters) {
    out.push(...bl.slice(at, c.start));
    at = c.end;
    const mine = c.items.filter((t) => t.side === 0).map((t) => t.h);
    const yours = c.items.filter((t) => t.side === 1).map((t) => t.h);
    if (mine.length === 0 || yours.length === 0) {
      out.push(...(mine.length ? mine : yours).flatMap((h) => h.lines));
      continue;
    }
    const o = applyWithin(bl, c.start, c.end, mine);
    const t = applyWithin(bl, c.start, c.end, yours);
    if (o.join('') === t.join('')) {
      out.push(...o);
      continue;
    }
    const line = countLines(out) + 1;
    conflicts.push({ baseLine: c.start + 1, baseCount: c.end - c.start, line, base: bl.slice(c.start, c.end).join(''), ours: o.join(''), theirs: t.join('') });
    if (mode === 'ours') out.push(...o);
    else if (mode === 'theirs') out.push(...t);
    else {
      const eol = bl.some((l) => l.endsWith('\r\n')) ? '\r\n' : '\n';
      out.push(`<<<<<<< ${opts.labels?.ours ?? 'ours'}${eol}`, ...terminated(o, eol), `=======${eol}`, ...terminated(t, eol), `>>>>>>> ${opts.labels?.theirs ?? 'theirs'}${eol}`);
    }
  }
  out.push(...bl.slice(at));
  return { text: out.join(''), conflicts };
}

/** Base lines [start, end) with one side's hunks (all inside that range) applied. */
function applyWithin(bl: string[], start: number, end: number, hunks: Hunk[]): string[] {
  const out: string[] = [];
  let at = start;
  for (const h of hunks) {
    out.push(...bl.slice(at, h.aStart), ...h.lines);
    at = h.aEnd;
  }
  out.push(...bl.slice(at, end));
  return out;
}

function terminated(lines: string[], eol: string): string[] {
  if (lines.length === 0 || lines[lines.length - 1].endsWith('\n')) return lines;
  return [...lines.slice(0, -1), lines[lines.length - 1] + eol];
}

function countLines(parts: string[]): number {
  let n = 0;
  for (const p of parts) if (p.endsWith('\n')) n++;
  return n;
}

// Three-way revert of one change (rollback that keeps later work): `current` (the run's version plus
// whatever changed since) with only the run's change (original → runVersion) undone, via
// git merge-file on temp files (exit status = number of conflicts, negative on error).
export type RevertResult = { ok: true; bytes: Buffer } | { ok: false; reason: string };

const MAX_OUTPUT = 64 * 1024 * 1024;

export async function revertChange(current: Buffer, runVersion: Buffer, original: Buffer, signal?: AbortSignal): Promise<RevertResult> {
  if ([current, runVersion, original].some((b) => looksBinary(b))) {
    return { ok: false, reason: 'it is binary (or UTF-16), so the run\'s change cannot be separated from the later one' };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'swarmcode-revert-'));
  try {
    const [cur, base, other] = ['current', 'run', 'original'].map((n) => path.join(dir, n));
    await fs.writeFile(cur, current, { mode: 0o600 });
    await fs.writeFile(base, runVersion, { mode: 0o600 });
    await fs.writeFile(other, original, { mode: 0o600 });
    const { code, stdout, error } = await new Promise<{ code: number; stdout: Buffer; error?: Error }>((resolve) => {
      execFile('git', ['merge-file', '-p', '--quiet', cur, base, other], { encoding: 'buffer', maxBuffer: MAX_OUTPUT, signal, windowsHide: true }, (err, out) => {
        const c = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        resolve({ code: c, stdout: out as Buffer, error: err && c < 0 ? err : undefined });
      });
    });
    if (code === 0) return { ok: true, bytes: stdout };
    if (code > 0 && code < 128) return { ok: false, reason: `the later changes overlap the run's change (${code} conflicting region${code === 1 ? '' : 's'})` };
    return { ok: false, reason: `a three-way revert could not run (git merge-file: ${error?.message ?? `exit ${code}`})` };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
