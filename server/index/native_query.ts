// Answering one query from the native index. Literals are found and counted in C++. For a
// regex, C++ returns only the candidate lines (lines holding the literals every match needs,
// or a run of bytes the regex needs) and a JavaScript RegExp with ripgrep's line semantics
// (regex_plan.ts) verifies them; a file with a line where the regex could backtrack badly goes
// to ripgrep (linear time). A regex that is a plain literal is searched as one.
import type { LineSpec, NativeTrigramIndex } from '../../native/index';
import { compileRegex, literalQueryPlan } from './regex_plan';
import { ripgrepCount, ripgrepSearch } from './ripgrep';
import type { SearchMatch, SearchQuery } from './types';

const SLICE_MS = 15;
/** Most backtracking steps (estimated) a JavaScript RegExp may spend on one line; past it, ripgrep. */
const RISK_BUDGET = 4e6;
/** Candidate lines per call into C++. */
const LINES_PER_CALL = 4096;

const tick = () => new Promise<void>((r) => setImmediate(r));
export function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}

/** Counters of the work queries did (for bench/search; never reset here). */
export const queryStats = { nativeMs: 0, calls: 0, lines: 0, lineBytes: 0, rgFiles: 0 };

export interface QueryEnv {
  ix: NativeTrigramIndex;
  /** Workspace-relative path by file id. */
  paths: string[];
  root: string;
}

export type Prepared =
  | { kind: 'literal'; q: SearchQuery; needle: string; spec: LineSpec }
  | { kind: 'regex'; q: SearchQuery; regex: RegExp; spec: LineSpec };

/** Undefined when the query is outside what the native path reproduces exactly (ripgrep then). */
export function prepare(q: SearchQuery): Prepared | undefined {
  if (!q.regex) {
    if (q.query === '' || q.query.includes('\n')) return undefined;
    return { kind: 'literal', q, needle: q.query, spec: { plan: literalQueryPlan(q.query) } };
  }
  try {
    const c = compileRegex(q.query);
    if (c.literal !== undefined) return { kind: 'literal', q, needle: c.literal, spec: { plan: literalQueryPlan(c.literal) } };
    const spec: LineSpec = { plan: c.plan, ci: c.ci, fixedLen: c.fixedLen };
    if (c.run) Object.assign(spec, { runLen: c.run.len, runSet: c.run.set });
    if (c.risk) Object.assign(spec, { riskSet: c.risk.set, riskPrefix: c.risk.prefix, riskPower: c.risk.power, riskBudget: RISK_BUDGET, reachSets: c.risk.sets });
    return { kind: 'regex', q, regex: c.regex, spec };
  } catch (err) {
    if ((err as Error).name === 'UnsupportedRegex' || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

class Slicer {
  private t = performance.now();
  constructor(private readonly signal: AbortSignal) {}
  async maybeYield(): Promise<void> {
    if (performance.now() - this.t > SLICE_MS) {
      await tick();
      this.t = performance.now();
    }
    if (this.signal.aborted) throw abortError();
  }
}

interface Win {
  /** Byte offset in the line. */
  start: number;
  text: string;
  /** Bit 0 / bit 1: the first / last code point is context that a match must not use. */
  pads: number;
}

interface FileLines {
  id: number;
  lines: number[];
  /** The line, or its head when `wins` holds windows over it. */
  texts: string[];
  wins: (Win[] | undefined)[];
  /** Has a line too costly for a backtracking RegExp (regex_runs.ts Risk): ripgrep verifies the file. */
  long: boolean;
}

/** Candidate lines of a regex query, one file at a time in the order of `ids`. */
async function scanRegex(
  env: QueryEnv,
  p: Extract<Prepared, { kind: 'regex' }>,
  ids: Uint32Array,
  signal: AbortSignal,
  /** How many more candidate lines are worth fetching now. */
  want: () => number,
  /** UTF-16 code units of a windowed line's head that the caller shows. */
  headChars: number,
  onFile: (f: FileLines) => Promise<boolean> | boolean,
): Promise<void> {
  const slicer = new Slicer(signal);
  const spec: LineSpec = { ...p.spec, headChars: Math.max(1, Math.min(headChars, 1 << 20)) };
  let chunk = 16;
  let held: FileLines | undefined; // a file the last call stopped inside of
  for (let i = 0, off = 0, line = 1; i < ids.length; ) {
    await slicer.maybeYield();
    const part = ids.subarray(i, i + chunk);
    const t0 = performance.now();
    const r = env.ix.candidateLines(part, { file: 0, off, line }, spec, Math.max(16, Math.min(LINES_PER_CALL, want())), 0xffffffff);
    queryStats.nativeMs += performance.now() - t0;
    queryStats.calls++;
    queryStats.lines += r.ids.length;
    for (let k = 0; k < r.lens.length; k++) queryStats.lineBytes += r.lens[k];
    i += r.next;
    off = r.nextOff;
    line = r.nextLine;
    chunk = Math.min(chunk * 4, 4096);
    if (held && r.ids[0] !== held.id) {
      const f = held;
      held = undefined;
      if (!(await onFile(f))) return;
    }
    let k = 0;
    while (k < r.ids.length) {
      const f: FileLines = held?.id === r.ids[k] ? held : { id: r.ids[k], lines: [], texts: [], wins: [], long: false };
      held = undefined;
      for (; k < r.ids.length && r.ids[k] === f.id; k++) {
        f.lines.push(r.lines[k]);
        f.texts.push(r.texts[k]);
        let wins: Win[] | undefined;
        if (r.winCount[k]) {
          wins = [];
          for (let w = r.winFirst[k]; w < r.winFirst[k] + r.winCount[k]; w++) wins.push({ start: r.winStarts[w], text: r.winTexts[w], pads: r.winPads[w] });
        }
        f.wins.push(wins);
        if (r.lens[k] > 0 && r.texts[k] === '') f.long = true; // over the backtracking budget
      }
      if (k === r.ids.length && off > 0 && part[r.next] === f.id) {
        held = f; // continues in the next call
        break;
      }
      if (!(await onFile(f))) return;
    }
  }
  if (held) await onFile(held);
}

/** Index of the first match in `text` at or after `from`, or -1 (skips the middle of surrogate pairs). */
function firstMatch(re: RegExp, text: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  for (;;) {
    const m = re.exec(text);
    if (!m) return null;
    const at = m.index;
    const cu = text.charCodeAt(at);
    if (cu >= 0xdc00 && cu <= 0xdfff && at > 0 && (text.charCodeAt(at - 1) & 0xfc00) === 0xd800) {
      re.lastIndex = at + 1;
      continue;
    }
    return m;
  }
}

const stripCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);

/** UTF-16 length of the one code point at the start (end) of `s`. */
const headCp = (s: string) => ((s.charCodeAt(0) & 0xfc00) === 0xd800 ? 2 : 1);
const tailCp = (s: string) => ((s.charCodeAt(s.length - 1) & 0xfc00) === 0xdc00 ? 2 : 1);

/**
 * Calls `each(byteColumn0, matchText)` for the matches in a line, in order, until it returns
 * false. A windowed line is searched window by window (every real match lies inside one, off
 * its context code points). False when a window cannot decide: a match there ran into the cut,
 * which could hide a real match at the same start (the caller asks ripgrep then).
 */
function forMatches(re: RegExp, text: string, wins: Win[] | undefined, each: (col0: number, m: string) => boolean): boolean {
  if (!wins) {
    for (let m = firstMatch(re, text, 0); m; m = firstMatch(re, text, m[0] === '' ? re.lastIndex + 1 : re.lastIndex)) {
      if (!each(Buffer.byteLength(text.slice(0, m.index), 'utf8'), m[0])) return true;
    }
    return true;
  }
  for (const w of wins) {
    const lo = w.pads & 1 ? headCp(w.text) : 0;
    const hi = w.text.length - (w.pads & 2 ? tailCp(w.text) : 0);
    for (let m = firstMatch(re, w.text, lo); m; ) {
      const end = m.index + m[0].length;
      if (m.index >= hi) break; // starts in the trailing context: not this window's
      if (end > hi) return false;
      if (!each(w.start + Buffer.byteLength(w.text.slice(0, m.index), 'utf8'), m[0])) return true;
      m = firstMatch(re, w.text, m[0] === '' ? end + 1 : end);
    }
  }
  return true;
}

/** The first `max` matching lines in path order (one match per line: the first). */
export async function searchLines(env: QueryEnv, p: Prepared, ids: Uint32Array, max: number, maxLineChars: number, signal: AbortSignal): Promise<{ matches: SearchMatch[]; truncated: boolean }> {
  if (p.kind === 'literal') return findLiteral(env, p.needle, ids, max, signal);
  const matches: SearchMatch[] = [];
  let truncated = false;
  await scanRegex(env, p, ids, signal, () => 2 * (max + 1 - matches.length), maxLineChars, async (f) => {
    const path = env.paths[f.id];
    const mark = matches.length;
    for (let k = 0; k < f.lines.length && !f.long; k++) {
      let col0 = -1;
      if (!forMatches(p.regex, f.texts[k], f.wins[k], (c) => ((col0 = c), false))) f.long = true;
      if (col0 < 0) continue;
      const line = stripCr(f.texts[k]);
      matches.push({ path, line: f.lines[k], column: col0 + 1, text: line.length > maxLineChars ? line.slice(0, maxLineChars) : line });
      if (matches.length > max) break;
    }
    if (f.long) {
      matches.length = mark;
      queryStats.rgFiles++;
      const r = await ripgrepSearch(env.root, p.q, max + 1 - matches.length, maxLineChars, signal, [path]);
      matches.push(...r.matches);
      truncated = r.truncated;
    }
    if (matches.length > max) truncated = true;
    return !truncated;
  });
  if (matches.length > max) matches.length = max;
  return { matches, truncated };
}

async function findLiteral(env: QueryEnv, needle: string, ids: Uint32Array, max: number, signal: AbortSignal) {
  const slicer = new Slicer(signal);
  const matches: SearchMatch[] = [];
  let truncated = false;
  let chunk = 64;
  for (let i = 0; i < ids.length && !truncated; i += chunk, chunk = Math.min(chunk * 4, 4096)) {
    await slicer.maybeYield();
    const r = env.ix.findLiteral(ids.subarray(i, i + chunk), needle, max - matches.length);
    for (let k = 0; k < r.ids.length; k++) matches.push({ path: env.paths[r.ids[k]], line: r.lines[k], column: r.columns[k], text: r.texts[k] });
    truncated = r.truncated;
    if (matches.length >= max && !truncated) {
      // Filled exactly at a chunk boundary: one more hit anywhere later means truncated.
      if (i + chunk < ids.length) truncated = env.ix.findLiteral(ids.subarray(i + chunk), needle, 0).truncated;
      break;
    }
  }
  return { matches, truncated };
}

export interface FileCount {
  path: string;
  /** Matching lines. */
  lines: number;
  /** Non-overlapping matches (as ripgrep's --count-matches). */
  matches: number;
}

/**
 * Per-file counts in path order; stops once `lineCap` matching lines were counted (capped).
 * Undefined when a regex matches the empty string somewhere (ripgrep's counting rules then).
 */
export async function countMatches(env: QueryEnv, p: Prepared, ids: Uint32Array, lineCap: number, signal: AbortSignal): Promise<{ files: FileCount[]; capped: boolean } | undefined> {
  const files: FileCount[] = [];
  let total = 0;
  let capped = false;
  if (p.kind === 'literal') {
    const slicer = new Slicer(signal);
    for (let i = 0; i < ids.length && !capped; i += 2048) {
      await slicer.maybeYield();
      const r = env.ix.countLiteral(ids.subarray(i, i + 2048), p.needle, lineCap - total);
      for (let k = 0; k < r.ids.length; k++) {
        files.push({ path: env.paths[r.ids[k]], lines: r.lines[k], matches: r.matches[k] });
        total += r.lines[k];
      }
      capped = r.capped;
    }
    return { files, capped };
  }
  let empty = false;
  await scanRegex(env, p, ids, signal, () => LINES_PER_CALL, 1, async (f) => {
    const path = env.paths[f.id];
    const fc: FileCount = { path, lines: 0, matches: 0 };
    for (let k = 0; k < f.texts.length && !f.long; k++) {
      let n = 0;
      if (!forMatches(p.regex, f.texts[k], f.wins[k], (_c, m) => {
        if (m === '') empty = true;
        n++;
        return !empty;
      })) f.long = true;
      if (empty) return false;
      if (n) {
        fc.lines++;
        fc.matches += n;
      }
    }
    if (f.long) {
      queryStats.rgFiles++;
      const r = await ripgrepCount(env.root, p.q, path, signal);
      fc.lines = r.lines;
      fc.matches = r.matches;
    }
    if (fc.lines) {
      total += fc.lines;
      files.push(fc);
    }
    if (total >= lineCap) capped = true;
    return !capped;
  });
  return empty ? undefined : { files, capped };
}
