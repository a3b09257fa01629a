// The trigram index compiled to WebAssembly (native/wasm/trigram.{js,wasm}, built by
// scripts/build-wasm.mjs from the same C++ as the addon), behind the addon's interface so the
// server's NativeSearch runs on either. Loaded from disk, synchronously; nothing is fetched.
// `loadWasm()` never throws: it returns the module, or undefined plus the reason.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { CandidateLines, IndexOptions, LiteralMatches, NativeAddon, NativeTrigramIndex, Plan, LineSpec } from './index';
import { FILE_STATUS } from './index';

/** The index's own memory cap under wasm32 (4 GiB address space, growth allowed): past it, files are read from disk per query. */
export const WASM_MEMORY_CAP = 1 << 30;
/** Files added per turn of the event loop during a build (the addon uses a worker thread instead). */
const SLICE_MS = 8;

interface RawTexts {
  textBytes: Uint8Array;
  textEnds: Uint32Array;
}
interface RawIndex {
  add(rel: string, abs: string, hasContent: boolean, content: Uint8Array | string): { id: number; status: number };
  shrink(): void;
  remove(rel: string): boolean;
  candidates(plan: Plan): Uint32Array | null;
  findLiteral(ids: Uint32Array, needle: string, max: number): Omit<LiteralMatches, 'texts'> & RawTexts;
  candidateLines(ids: Uint32Array, file: number, off: number, line: number, spec: LineSpec, maxLines: number, textCap: number): (Omit<CandidateLines, 'texts' | 'winTexts'> & RawTexts & { winBytes: Uint8Array; winEnds: Uint32Array }) | null;
  countLiteral(ids: Uint32Array, needle: string, lineCap: number): ReturnType<NativeTrigramIndex['countLiteral']>;
  content(id: number): Uint8Array | undefined;
  longLineFiles(minLen: number): Uint32Array;
  stats(): ReturnType<NativeTrigramIndex['stats']>;
  compact(): void;
  /** embind: frees the C++ object. */
  delete(): void;
}
interface RawModule {
  TrigramIndex: new (maxFileBytes: number, memoryCapBytes: number, maxLineBytes: number) => RawIndex;
  abiVersion: number;
  HEAPU8: Uint8Array;
}

/** The wasm module failed (out of memory, a trap): its state is lost; the caller falls back. */
export class WasmFault extends Error {
  override name = 'WasmFault';
}

/** UTF-8 strings packed back to back: decoded the way the addon's napi strings are. */
function strings(bytes: Uint8Array, ends: Uint32Array): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<string>(ends.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    out[i] = start === ends[i] ? '' : buf.toString('utf8', start, ends[i]);
    start = ends[i];
  }
  return out;
}

/**
 * The path handed to the C++ (emscripten's NODERAWFS): it treats paths not starting with '/' as
 * relative to the process's directory, so a Windows drive path is made relative to it (same
 * drive), with forward slashes.
 */
export function hostPath(abs: string, p: typeof path = path, cwd = process.cwd()): string {
  if (p.sep === '/') return abs;
  const rel = p.relative(cwd, abs);
  return p.isAbsolute(rel) ? abs.replaceAll('\\', '/') : rel.replaceAll('\\', '/');
}

/** One module instance (one heap) per process; a fault in any index ends them all. */
interface Shared {
  mod: RawModule;
  fault?: WasmFault;
}

class WasmIndex implements NativeTrigramIndex {
  private ix: RawIndex | undefined;

  constructor(
    private readonly shared: Shared,
    opts: IndexOptions = {},
  ) {
    if (shared.fault) throw shared.fault;
    const mod = shared.mod;
    const cap = Math.min(opts.memoryCapBytes ?? WASM_MEMORY_CAP, WASM_MEMORY_CAP);
    this.ix = new mod.TrigramIndex(opts.maxFileBytes ?? 0, cap, opts.maxLineBytes ?? 0);
  }

  /** Runs `fn` on the module; a trap or a C++ throw poisons this index (its heap may be torn). */
  private call<T>(fn: (ix: RawIndex) => T): T {
    if (this.shared.fault) throw this.shared.fault;
    if (!this.ix) throw Object.assign(new Error('the wasm index was disposed'), { name: 'AbortError' });
    try {
      return fn(this.ix);
    } catch (err) {
      if (err instanceof TypeError || (err instanceof Error && err.name === 'BindingError')) throw err;
      const what = err instanceof Error ? err.message : `C++ exception ${String(err)}`;
      this.shared.fault = new WasmFault(`wasm trigram index failed: ${what}`);
      this.ix = undefined;
      throw this.shared.fault;
    }
  }

  async addFiles(relPaths: string[], absPaths: string[]): Promise<{ ids: Uint32Array; statuses: Uint8Array }> {
    if (relPaths.length !== absPaths.length) throw new TypeError('addFiles: rels and abss differ in length');
    const ids = new Uint32Array(relPaths.length);
    const statuses = new Uint8Array(relPaths.length);
    let t = performance.now();
    for (let i = 0; i < relPaths.length; i++) {
      const r = this.call((ix) => ix.add(relPaths[i], hostPath(absPaths[i]), false, ''));
      ids[i] = r.id;
      statuses[i] = r.status;
      if (performance.now() - t > SLICE_MS) {
        await new Promise((res) => setImmediate(res));
        t = performance.now();
      }
    }
    this.call((ix) => ix.shrink());
    return { ids, statuses };
  }

  upsert(relPath: string, absPath: string, content?: Buffer) {
    const r = this.call((ix) => ix.add(relPath, hostPath(absPath), content !== undefined, content ?? ''));
    return { id: r.id === 0xffffffff ? null : r.id, status: FILE_STATUS[r.status] };
  }

  remove(relPath: string): boolean {
    return this.call((ix) => ix.remove(relPath));
  }

  candidates(plan: Plan): Uint32Array {
    const r = this.call((ix) => ix.candidates(plan));
    if (!r) throw new TypeError('candidates: bad plan');
    return r;
  }

  findLiteral(ids: Uint32Array, needle: string, max: number): LiteralMatches {
    const r = this.call((ix) => ix.findLiteral(ids, needle, max));
    return { ids: r.ids, lines: r.lines, columns: r.columns, texts: strings(r.textBytes, r.textEnds), truncated: r.truncated };
  }

  candidateLines(ids: Uint32Array, first: number | { file: number; off: number; line: number }, spec: LineSpec, maxLines: number, textCap: number): CandidateLines {
    const pos = typeof first === 'number' ? { file: first, off: 0, line: 1 } : first;
    const r = this.call((ix) => ix.candidateLines(ids, pos.file, pos.off, pos.line, spec, maxLines, textCap));
    if (!r) throw new TypeError('candidateLines: bad plan');
    const { textBytes, textEnds, winBytes, winEnds, ...rest } = r;
    return { ...rest, texts: strings(textBytes, textEnds), winTexts: strings(winBytes, winEnds) };
  }

  countLiteral(ids: Uint32Array, needle: string, lineCap: number) {
    return this.call((ix) => ix.countLiteral(ids, needle, lineCap));
  }

  content(id: number): Buffer | undefined {
    const r = this.call((ix) => ix.content(id));
    return r && Buffer.from(r.buffer, r.byteOffset, r.byteLength);
  }

  longLineFiles(minLen: number): Uint32Array {
    return this.call((ix) => ix.longLineFiles(minLen));
  }

  stats() {
    return this.call((ix) => ix.stats());
  }

  compact(): void {
    this.call((ix) => ix.compact());
  }

  dispose(): void {
    const ix = this.ix;
    this.ix = undefined;
    if (ix && !this.shared.fault) ix.delete();
  }
}

export type WasmLoadResult = { addon: NativeAddon; path: string } | { addon: undefined; reason: string };

let cached: WasmLoadResult | undefined;

/**
 * Where the glue may be: next to this file (tsx) or beside dist/ (the bundle and the .vsix).
 * Never under the working directory: the server runs in the workspace, and a repository must not
 * supply code it loads.
 */
function candidates(): string[] {
  const rel = path.join('wasm', 'trigram.js');
  const list = [path.join(__dirname, rel), path.join(__dirname, '..', 'native', rel)];
  if (process.env.SWARMCODE_WASM_PATH) list.unshift(process.env.SWARMCODE_WASM_PATH);
  return list;
}

/** Bytes of the module's linear memory now (it grows on demand, up to 4 GiB); undefined before loading. */
export function wasmHeapBytes(): number | undefined {
  return loadedModule?.HEAPU8.length;
}
let loadedModule: RawModule | undefined;

export function loadWasm(): WasmLoadResult {
  if (process.env.SWARMCODE_NO_WASM === '1') return { addon: undefined, reason: 'disabled by SWARMCODE_NO_WASM=1' };
  if (cached) return cached;
  const found = candidates().find((p) => existsSync(p) && existsSync(path.join(path.dirname(p), 'trigram.wasm')));
  if (!found) return (cached = { addon: undefined, reason: 'native/wasm/trigram.js or trigram.wasm missing' });
  try {
    const factory = createRequire(__filename)(found) as (m?: object) => RawModule;
    // Synchronous instantiation (built with WASM_ASYNC_COMPILATION=0): ready on return.
    const mod = factory({ print: () => {}, printErr: () => {} });
    if (typeof mod.TrigramIndex !== 'function' || mod.abiVersion !== 1) return (cached = { addon: undefined, reason: `unexpected exports from ${found}` });
    const shared: Shared = { mod };
    loadedModule = mod;
    const addon: NativeAddon = {
      TrigramIndex: class extends WasmIndex {
        constructor(opts?: IndexOptions) {
          super(shared, opts);
        }
      },
      abiVersion: 2,
    };
    cached = { addon, path: found };
  } catch (err) {
    cached = { addon: undefined, reason: `failed to load ${found}: ${(err as Error).message}` };
  }
  return cached;
}
