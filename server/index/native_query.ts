// Answering one query from the native index. Literals are found and counted in C++. For a
// regex, C++ returns only the candidate lines (lines holding the literals every match needs,
// or a run of bytes the regex needs) and a JavaScript RegExp with ripgrep's line semantics
// (regex_plan.ts) verifies them; a file whose candidate line is very long goes to ripgrep when
// the regex could backtrack badly there.
import type { LineSpec, NativeTrigramIndex } from '../../native/index';
import { compileRegex, literalQueryPlan } from './regex_plan';
import { ripgrepCount, ripgrepSearch } from './ripgrep';
import type { SearchMatch, SearchQuery } from './types';

const SLICE_MS = 15;
/** Lines this long are left to ripgrep for regexes with unbounded repetition. */
export const LONG_LINE = 4096;
/** Candidate lines per call into C++. */
const LINES_PER_CALL = 4096;

const tick = () => new Promise<void>((r) => setImmediate(r));
export function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}

export interface QueryEnv {
  ix: NativeTrigramIndex;
  /** Workspace-relative path by file id. */
  paths: string[];
  root: string;
}

export type Prepared =
  | { kind: 'literal'; q: SearchQuery; needle: string; spec: LineSpec }
  | { kind: 'regex'; q: SearchQuery; regex: RegExp; spec: LineSpec; risky: boolean };

/** Undefined when the query is outside what the native path reproduces exactly (ripgrep then). */
export function prepare(q: SearchQuery): Prepared | undefined {
  if (!q.regex) {
    if (q.query === '' || q.query.includes('\n')) return undefined;
    return { kind: 'literal', q, needle: q.query, spec: { plan: literalQueryPlan(q.query) } };
  }
  try {
    const c = compileRegex(q.query);
    const spec: LineSpec = { plan: c.plan, ci: c.ci };
    if (c.run) Object.assign(spec, { runLen: c.run.len, runSet: c.run.set });
    return { kind: 'regex', q, regex: c.regex, spec, risky: c.unbounded };
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

interface FileLines {
  id: number;
  lines: number[];
  texts: string[];
  long: boolean;
}

/** Candidate lines of a regex query, one file at a time in the order of `ids`. */
async function scanRegex(env: QueryEnv, p: Extract<Prepared, { kind: 'regex' }>, ids: Uint32Array, signal: AbortSignal, onFile: (f: FileLines) => Promise<boolean> | boolean): Promise<void> {
  const slicer = new Slicer(signal);
  const textCap = p.risky ? LONG_LINE : 0xffffffff;
  let chunk = 16;
  for (let i = 0; i < ids.length; ) {
    await slicer.maybeYield();
    const part = ids.subarray(i, i + chunk);
    const r = env.ix.candidateLines(part, 0, p.spec, LINES_PER_CALL, textCap);
    i += r.next;
    chunk = Math.min(chunk * 4, 4096);
    let k = 0;
    while (k < r.ids.length) {
      const f: FileLines = { id: r.ids[k], lines: [], texts: [], long: false };
      for (; k < r.ids.length && r.ids[k] === f.id; k++) {
        f.lines.push(r.lines[k]);
        f.texts.push(r.texts[k]);
        if (r.lens[k] > LONG_LINE) f.long = true;
      }
      if (!(await onFile(f))) return;
    }
  }
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

/** The first `max` matching lines in path order (one match per line: the first). */
export async function searchLines(env: QueryEnv, p: Prepared, ids: Uint32Array, max: number, maxLineChars: number, signal: AbortSignal): Promise<{ matches: SearchMatch[]; truncated: boolean }> {
  if (p.kind === 'literal') return findLiteral(env, p.needle, ids, max, signal);
  const matches: SearchMatch[] = [];
  let truncated = false;
  await scanRegex(env, p, ids, signal, async (f) => {
    const path = env.paths[f.id];
    if (f.long && p.risky) {
      const r = await ripgrepSearch(env.root, p.q, max + 1 - matches.length, maxLineChars, signal, [path]);
      matches.push(...r.matches);
      truncated = r.truncated;
    } else {
      for (let k = 0; k < f.lines.length; k++) {
        const text = f.texts[k];
        const m = firstMatch(p.regex, text, 0);
        if (!m) continue;
        const line = stripCr(text);
        matches.push({
          path,
          line: f.lines[k],
          column: Buffer.byteLength(text.slice(0, m.index), 'utf8') + 1,
          text: line.length > maxLineChars ? line.slice(0, maxLineChars) : line,
        });
        if (matches.length > max) break;
      }
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
  await scanRegex(env, p, ids, signal, async (f) => {
    const path = env.paths[f.id];
    const fc: FileCount = { path, lines: 0, matches: 0 };
    if (f.long && p.risky) {
      const r = await ripgrepCount(env.root, p.q, path, signal);
      fc.lines = r.lines;
      fc.matches = r.matches;
    } else {
      for (const text of f.texts) {
        let n = 0;
        for (let m = firstMatch(p.regex, text, 0); m; m = firstMatch(p.regex, text, p.regex.lastIndex)) {
          if (m[0] === '') {
            empty = true;
            return false;
          }
          n++;
        }
        if (n) {
          fc.lines++;
          fc.matches += n;
        }
      }
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
