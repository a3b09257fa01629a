// Workspace symbols: tags of every supported source file, built lazily, updated per file.
import { readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Logger } from '../../log';
import { listFiles } from '../ripgrep';
import { symbolsEngine, symbolsEngineInfo, type SymbolsEngine } from './engine';
import type { SymbolsEngineInfo } from '../../protocol/engines';
import { extractTags, supports, type Tag } from './tags';

export type { Tag } from './tags';
export type { SymbolsEngine } from './engine';

export interface SymbolLocation extends Tag {
  path: string;
}

export interface SymbolOptions {
  /** Most files parsed (largest repos keep their first N by path). */
  maxFiles?: number;
  /** Files larger than this are skipped. */
  maxFileBytes?: number;
  /** Multi-root: the folders of links under the root that ripgrep walks (none: the root itself). */
  tops?: string[];
}

const SLICE_MS = 12;
const tick = () => new Promise<void>((r) => setImmediate(r));

export class SymbolIndex {
  /** Tags by workspace-relative path. */
  readonly files = new Map<string, Tag[]>();
  private building: Promise<void> | undefined;
  private readonly maxFiles: number;
  private readonly maxFileBytes: number;

  constructor(
    readonly root: string,
    private readonly log: Logger,
    opts: SymbolOptions = {},
  ) {
    this.maxFiles = opts.maxFiles ?? 20_000;
    this.maxFileBytes = opts.maxFileBytes ?? 512 * 1024;
    this.tops = opts.tops ?? [];
  }

  private readonly tops: string[];

  /** Parses every supported file ripgrep would search (once; later calls await the same build). */
  ready(signal: AbortSignal): Promise<void> {
    this.building ??= this.build(signal).catch((err: Error) => {
      this.building = undefined;
      throw err;
    });
    return this.building;
  }

  private async build(signal: AbortSignal): Promise<void> {
    const t0 = performance.now();
    const all = (await listFiles(this.root, signal, this.tops)).filter(supports).sort();
    if (all.length > this.maxFiles) this.log.warn(`symbols: ${all.length} source files; indexing the first ${this.maxFiles}`);
    let t = performance.now();
    for (const rel of all.slice(0, this.maxFiles)) {
      if (performance.now() - t > SLICE_MS) {
        await tick();
        if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        t = performance.now();
      }
      await this.load(rel);
    }
    // No source file: no grammar is loaded just to name the engine in this line (~30 ms of a
    // one-shot run on a workspace without sources).
    const engine = all.length ? `engine ${await this.engine()}` : 'no source files, no grammar loaded';
    this.log.info(`symbols: ${this.files.size} files in ${Math.round(performance.now() - t0)} ms (${engine})`);
  }

  private async load(rel: string): Promise<void> {
    const abs = join(this.root, rel);
    try {
      const st = await stat(abs);
      if (!st.isFile() || st.size > this.maxFileBytes) {
        this.files.delete(rel);
        return;
      }
      const text = await readFile(abs, 'utf8');
      if (text.includes('\0')) return;
      const tags = await extractTags(rel, text, this.log);
      if (tags) this.files.set(rel, tags);
      else this.files.delete(rel);
    } catch {
      this.files.delete(rel);
    }
  }

  /** Which tree-sitter engine parses: native, wasm, both (per language) or none. */
  engine(): Promise<SymbolsEngine> {
    return symbolsEngine(this.log);
  }

  /** The engine with what was asked for and why a fallback was taken (the `initialize` result). */
  engineInfo(): Promise<SymbolsEngineInfo> {
    return symbolsEngineInfo(this.log);
  }

  /** Re-parses changed files (absolute paths); deleted ones are dropped. */
  async update(absPaths: string[]): Promise<void> {
    if (!this.building) return; // not built yet: the build will see the current files
    await this.building.catch(() => undefined);
    for (const abs of absPaths) {
      const rel = relative(this.root, abs).split(sep).join('/');
      if (rel.startsWith('..') || !supports(rel)) continue;
      await this.load(rel);
    }
  }

  /** Definitions and references of `name` (exact), definitions optionally filtered by kind. */
  find(name: string, kind?: string): { defs: SymbolLocation[]; refs: SymbolLocation[] } {
    const defs: SymbolLocation[] = [];
    const refs: SymbolLocation[] = [];
    for (const [path, tags] of this.files) {
      for (const t of tags) {
        if (t.name !== name) continue;
        if (t.role === 'def') {
          if (!kind || t.kind === kind) defs.push({ ...t, path });
        } else refs.push({ ...t, path });
      }
    }
    const order = (a: SymbolLocation, b: SymbolLocation) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line);
    return { defs: defs.sort(order), refs: refs.sort(order) };
  }
}
