// The workspace's trigram index (native/): built from ripgrep's file list, updated per file,
// queried with literal plans (native_query.ts: literals found in C++, regex candidate lines
// picked in C++ and verified with a JavaScript RegExp that has ripgrep's line semantics).
import { statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { DocumentStore } from '../workspace/types';
import type { IndexOptions, NativeAddon, NativeTrigramIndex, IndexStats } from '../../native/index';
import { FILE_STATUS } from '../../native/index';
import { globMatcher } from './glob';
import { abortError, countMatches, prepare, searchLines, type FileCount, type Prepared, type QueryEnv } from './native_query';
import { listFiles } from './ripgrep';
import type { SearchMatch, SearchQuery } from './types';

const BATCH = 2048;

/**
 * Sort key giving ripgrep's `--sort path` order: entries sorted by name within each folder,
 * depth first, i.e. paths compared component by component ('a/x' before 'a-b', 'a.txt').
 */
export function pathKey(rel: string): string {
  return rel.replaceAll('/', '\u0000');
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

  /** The editor's unsaved buffers (the server's document store), preferred over disk. */
  buffers?: DocumentStore;

  constructor(
    readonly root: string,
    addon: NativeAddon,
    opts: IndexOptions = {},
    /** Multi-root: the folders of links under `root` that ripgrep walks (none: `root` itself). */
    private readonly tops: string[] = [],
  ) {
    this.ix = new addon.TrigramIndex(opts);
  }

  /** Indexes every file ripgrep would search, in batches on the addon's worker thread. */
  async build(signal: AbortSignal): Promise<BuildReport> {
    const t0 = performance.now();
    const files = (await listFiles(this.root, signal, this.tops)).map((rel) => [pathKey(rel), rel]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);
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
    if (last !== undefined && pathKey(last) >= pathKey(rel)) this.ordered = false;
    this.paths[id] = rel;
    this.live.set(rel, id);
    for (let k = rel.lastIndexOf('/'); k > 0; k = rel.lastIndexOf('/', k - 1)) {
      const d = rel.slice(0, k);
      if (this.dirs.has(d)) break;
      this.dirs.add(d);
      this.onDir?.(d);
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
      let st;
      try {
        st = statSync(abs);
      } catch {}
      if (st?.isDirectory()) {
        if (rel !== '.git' && !rel.startsWith('.git/')) fresh.push(rel);
      } else if (!st?.isFile()) {
        this.ix.remove(rel);
        this.live.delete(rel);
        if (this.dirs.has(rel)) this.removeDir(rel);
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
      const listed = new Set(await listFiles(this.root, signal, dir === '.' && this.tops.length ? this.tops : [dir]));
      for (const rel of rels) if (listed.has(rel)) this.upsert(rel, join(this.root, rel));
      // New folders: every listed file under them.
      const folders = rels.filter((r) => !listed.has(r)).map((r) => `${r}/`);
      if (folders.length) for (const rel of listed) if (!this.live.has(rel) && folders.some((f) => rel.startsWith(f))) this.upsert(rel, join(this.root, rel));
    }
  }

  private removeDir(dir: string): void {
    const prefix = `${dir}/`;
    for (const rel of [...this.live.keys()]) {
      if (!rel.startsWith(prefix)) continue;
      this.ix.remove(rel);
      this.live.delete(rel);
    }
    for (const d of [...this.dirs]) if (d === dir || d.startsWith(prefix)) this.dirs.delete(d);
  }

  /** Called with each directory ripgrep walks, as the index learns of it. */
  onDir?: (dir: string) => void;

  /** Directories ripgrep walks, known so far. */
  walkedDirs(): string[] {
    return [...this.dirs];
  }

  /** Directories ripgrep walks (ancestors of indexed files). */
  private readonly dirs = new Set<string>();

  private readonly live = new Map<string, number>();
  private known(rel: string): boolean {
    return this.live.has(rel);
  }

  private upsert(rel: string, abs: string): void {
    // An open document with unsaved changes is indexed with the editor's text, as tools read it.
    const text = this.buffers?.isDirty(abs) ? this.buffers.get(abs) : undefined;
    const { id } = this.ix.upsert(rel, abs, text === undefined ? undefined : Buffer.from(text, 'utf8'));
    if (id !== null) this.record(id, rel);
    else this.live.delete(rel);
  }

  stats(): IndexStats {
    return this.ix.stats();
  }

  /** Frees the index now (the wasm heap); the addon's is freed by the garbage collector. */
  dispose(): void {
    this.ix.dispose?.();
  }

  /**
   * Runs a query; undefined when the regex is outside the subset the native path reproduces
   * exactly (the caller then asks ripgrep). `scope` narrows the files (with the query's glob).
   */
  async search(q: SearchQuery, max: number, maxLineChars: number, signal: AbortSignal, scope?: (rel: string) => boolean): Promise<{ matches: SearchMatch[]; truncated: boolean } | undefined> {
    const p = prepare(q);
    if (!p) return undefined;
    return searchLines(this.env, p, this.candidates(p, q.glob, scope), max, maxLineChars, signal);
  }

  /** Per-file line and match counts in path order, up to `lineCap` lines; undefined: ask ripgrep. */
  async count(q: SearchQuery, lineCap: number, signal: AbortSignal, scope?: (rel: string) => boolean): Promise<{ files: FileCount[]; capped: boolean } | undefined> {
    const p = prepare(q);
    if (!p) return undefined;
    return countMatches(this.env, p, this.candidates(p, q.glob, scope), lineCap, signal);
  }

  /** Workspace-relative paths the index holds (live files). */
  has(rel: string): boolean {
    return this.live.has(rel);
  }

  /** True when the index holds a file under `dir` (a directory ripgrep walks). */
  hasDir(dir: string): boolean {
    return this.dirs.has(dir);
  }

  /** Current text of an indexed file, as the last query saw it. */
  text(rel: string): string | undefined {
    const id = this.live.get(rel);
    return id === undefined ? undefined : this.ix.content(id)?.toString('utf8');
  }

  private get env(): QueryEnv {
    return { ix: this.ix, paths: this.paths, root: this.root };
  }

  private candidates(p: Prepared, glob: string | undefined, scope?: (rel: string) => boolean): Uint32Array {
    let ids = this.ix.candidates(p.spec.plan);
    const match = globMatcher(glob);
    if (match || scope || !this.ordered) {
      let list = Array.from(ids);
      if (match) list = list.filter((id) => match(this.paths[id]));
      if (scope) list = list.filter((id) => scope(this.paths[id]));
      if (!this.ordered) {
        const key = new Map(list.map((id) => [id, pathKey(this.paths[id])]));
        list.sort((a, b) => (key.get(a)! < key.get(b)! ? -1 : key.get(a)! > key.get(b)! ? 1 : 0));
      }
      ids = Uint32Array.from(list);
    }
    return ids;
  }
}
