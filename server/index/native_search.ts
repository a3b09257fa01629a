// The workspace's trigram index (native/): built from ripgrep's file list, updated per file,
// queried with literal plans; regex candidates are verified with a JavaScript RegExp that has
// ripgrep's line semantics (regex_plan.ts), literals are verified in C++.
import { statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { IndexOptions, NativeAddon, NativeTrigramIndex, IndexStats } from '../../native/index';
import { FILE_STATUS } from '../../native/index';
import { globMatcher } from './glob';
import { compileRegex, literalQueryPlan } from './regex_plan';
import { listFiles, ripgrepSearch } from './ripgrep';
import type { SearchMatch, SearchQuery } from './types';

const BATCH = 2048;
const SLICE_MS = 15;
/** Files with a line this long are searched by ripgrep for regexes with unbounded repetition. */
const LONG_LINE = 4096;

const tick = () => new Promise<void>((r) => setImmediate(r));
function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}

export interface BuildReport {
  files: number;
  indexed: number;
  binary: number;
  overflow: number;
  ms: number;
}

export class NativeSearch {
  private readonly ix: NativeTrigramIndex;
  /** Workspace-relative path by file id (the addon's ids). */
  private readonly paths: string[] = [];
  /** False once an id was handed out out of path order (results are then sorted by path). */
  private ordered = true;

  constructor(
    readonly root: string,
    addon: NativeAddon,
    opts: IndexOptions = {},
  ) {
    this.ix = new addon.TrigramIndex(opts);
  }

  /** Indexes every file ripgrep would search, in batches on the addon's worker thread. */
  async build(signal: AbortSignal): Promise<BuildReport> {
    const t0 = performance.now();
    const files = (await listFiles(this.root, signal)).sort();
    const report: BuildReport = { files: files.length, indexed: 0, binary: 0, overflow: 0, ms: 0 };
    for (let i = 0; i < files.length; i += BATCH) {
      if (signal.aborted) throw abortError();
      const rels = files.slice(i, i + BATCH);
      const { ids, statuses } = await this.ix.addFiles(rels, rels.map((r) => join(this.root, r)));
      rels.forEach((rel, k) => {
        const st = FILE_STATUS[statuses[k]];
        if (st === 'indexed') report.indexed++;
        else if (st === 'overflow') report.overflow++;
        else if (st === 'binary') report.binary++;
        if (ids[k] !== 0xffffffff) this.record(ids[k], rel);
      });
    }
    report.ms = performance.now() - t0;
    return report;
  }

  private record(id: number, rel: string): void {
    const last = this.paths.length ? this.paths[this.paths.length - 1] : undefined;
    if (last !== undefined && last >= rel) this.ordered = false;
    this.paths[id] = rel;
    this.live.set(rel, id);
    for (let k = rel.lastIndexOf('/'); k > 0; k = rel.lastIndexOf('/', k - 1)) {
      const d = rel.slice(0, k);
      if (this.dirs.has(d)) break;
      this.dirs.add(d);
    }
  }

  private rel(abs: string): string {
    return relative(this.root, abs).split(sep).join('/');
  }

  /** Re-reads changed files, adds new ones ripgrep would search, drops deleted ones. */
  async update(absPaths: string[], signal: AbortSignal): Promise<void> {
    const fresh: string[] = [];
    for (const abs of absPaths) {
      const rel = this.rel(abs);
      if (rel.startsWith('..') || rel === '') continue;
      let isFile = false;
      try {
        isFile = statSync(abs).isFile();
      } catch {}
      if (!isFile) {
        this.ix.remove(rel);
        this.live.delete(rel);
      } else if (this.known(rel)) this.upsert(rel, abs);
      else fresh.push(rel);
    }
    // A new file counts only if ripgrep would search it (.gitignore, hidden rules). List the
    // nearest ancestor directory that ripgrep already walks: naming an ignored directory
    // explicitly would bypass its ignore rule.
    const byDir = new Map<string, string[]>();
    for (const rel of fresh) {
      let d = rel;
      do {
        const k = d.lastIndexOf('/');
        d = k < 0 ? '.' : d.slice(0, k);
      } while (d !== '.' && !this.dirs.has(d));
      byDir.set(d, [...(byDir.get(d) ?? []), rel]);
    }
    for (const [dir, rels] of byDir) {
      const listed = new Set(await listFiles(this.root, signal, [dir]));
      for (const rel of rels) if (listed.has(rel)) this.upsert(rel, join(this.root, rel));
    }
  }

  /** Directories ripgrep walks (ancestors of indexed files). */
  private readonly dirs = new Set<string>();

  private readonly live = new Map<string, number>();
  private known(rel: string): boolean {
    return this.live.has(rel);
  }

  private upsert(rel: string, abs: string): void {
    const { id } = this.ix.upsert(rel, abs);
    if (id !== null) this.record(id, rel);
    else this.live.delete(rel);
  }

  stats(): IndexStats {
    return this.ix.stats();
  }

  /**
   * Runs a query; undefined when the regex is outside the subset the native path reproduces
   * exactly (the caller then asks ripgrep).
   */
  async search(q: SearchQuery, max: number, maxLineChars: number, signal: AbortSignal): Promise<{ matches: SearchMatch[]; truncated: boolean } | undefined> {
    let regex: RegExp | undefined;
    let plan;
    let risky = false;
    if (q.regex) {
      try {
        ({ plan, regex, unbounded: risky } = compileRegex(q.query));
      } catch (err) {
        if ((err as Error).name === 'UnsupportedRegex' || err instanceof SyntaxError) return undefined;
        throw err;
      }
    } else {
      if (q.query === '' || q.query.includes('\n')) return undefined;
      plan = literalQueryPlan(q.query);
    }
    let ids = this.ix.candidates(plan);
    const match = globMatcher(q.glob);
    if (match || !this.ordered) {
      let list = Array.from(ids);
      if (match) list = list.filter((id) => match(this.paths[id]));
      if (!this.ordered) list.sort((a, b) => (this.paths[a] < this.paths[b] ? -1 : this.paths[a] > this.paths[b] ? 1 : 0));
      ids = Uint32Array.from(list);
    }
    if (!regex) return this.verifyLiteral(ids, q.query, max, signal);
    if (!risky) return this.verifyRegex(ids, regex, max, maxLineChars, signal);
    // Backtracking on very long lines (minified code) can go quadratic; ripgrep's engine is
    // linear, so those few files go to ripgrep by name and the two sorted lists are merged.
    const long = new Set(this.ix.longLineFiles(LONG_LINE));
    const safe = ids.filter((id) => !long.has(id));
    const slow = Array.from(ids.filter((id) => long.has(id)), (id) => this.paths[id]);
    const a = await this.verifyRegex(safe, regex, max, maxLineChars, signal);
    if (slow.length === 0) return a;
    const b = { matches: [] as SearchMatch[], truncated: false };
    for (let i = 0; i < slow.length && b.matches.length <= max; i += 256) {
      const r = await ripgrepSearch(this.root, q, max - b.matches.length, maxLineChars, signal, slow.slice(i, i + 256));
      b.matches.push(...r.matches);
      b.truncated ||= r.truncated;
    }
    const order = (m: SearchMatch) => m.path;
    const merged = [...a.matches, ...b.matches].sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : x.line - y.line));
    return { matches: merged.slice(0, max), truncated: a.truncated || b.truncated || merged.length > max };
  }

  private async verifyLiteral(ids: Uint32Array, needle: string, max: number, signal: AbortSignal) {
    const matches: SearchMatch[] = [];
    let truncated = false;
    let t = performance.now();
    for (let i = 0; i < ids.length && !truncated; i += 4096) {
      if (performance.now() - t > SLICE_MS) {
        await tick();
        t = performance.now();
      }
      if (signal.aborted) throw abortError();
      const r = this.ix.findLiteral(ids.subarray(i, i + 4096), needle, max - matches.length);
      for (let k = 0; k < r.ids.length; k++)
        matches.push({ path: this.paths[r.ids[k]], line: r.lines[k], column: r.columns[k], text: r.texts[k] });
      truncated = r.truncated;
      if (matches.length >= max && !truncated && i + 4096 < ids.length) {
        // Filled exactly at a chunk boundary: one more hit anywhere later means truncated.
        truncated = this.ix.findLiteral(ids.subarray(i + 4096), needle, 0).truncated;
        break;
      }
    }
    return { matches, truncated };
  }

  private async verifyRegex(ids: Uint32Array, re: RegExp, max: number, maxLineChars: number, signal: AbortSignal) {
    const matches: SearchMatch[] = [];
    let t = performance.now();
    for (let i = 0; i < ids.length; i++) {
      if (performance.now() - t > SLICE_MS) {
        await tick();
        t = performance.now();
        if (signal.aborted) throw abortError();
      }
      const buf = this.ix.content(ids[i]);
      if (!buf) continue;
      const text = buf.toString('utf8');
      let line = 1;
      let counted = 0;
      re.lastIndex = 0;
      for (;;) {
        const m = re.exec(text);
        if (!m) break;
        const at = m.index;
        // V8 may try empty-width assertions between the halves of a surrogate pair: not a position.
        const cu = text.charCodeAt(at);
        if (cu >= 0xdc00 && cu <= 0xdfff && at > 0 && (text.charCodeAt(at - 1) & 0xfc00) === 0xd800) {
          re.lastIndex = at + 1;
          continue;
        }
        // No line after the final terminator (ripgrep reports none there).
        if (at === text.length && (at === 0 || text[at - 1] === '\n')) break;
        const start = text.lastIndexOf('\n', at - 1) + 1;
        let end = text.indexOf('\n', at);
        if (end < 0) end = text.length;
        for (let p = text.indexOf('\n', counted); p !== -1 && p < at; p = text.indexOf('\n', p + 1)) line++;
        counted = at;
        if (matches.length >= max) return { matches, truncated: true };
        let lineText = text.slice(start, end);
        if (lineText.endsWith('\r')) lineText = lineText.slice(0, -1);
        matches.push({
          path: this.paths[ids[i]],
          line,
          column: Buffer.byteLength(text.slice(start, at), 'utf8') + 1,
          text: lineText.length > maxLineChars ? lineText.slice(0, maxLineChars) : lineText,
        });
        if (end >= text.length) break;
        re.lastIndex = end + 1;
        counted = end + 1;
        line++;
      }
    }
    return { matches, truncated: false };
  }
}
