// The tree-sitter engine per language: the native binding (the `tree-sitter` core and grammar
// packages' own prebuilds, or this machine's build) first, then `web-tree-sitter` with the
// grammar package's own .wasm where no native binding loads (a target without a prebuild, a
// prebuild for the wrong architecture, a C++ runtime too old for it).
//
//   SWARMCODE_SYMBOLS_ENGINE=wasm|native|auto   force one engine (default auto: native, then wasm)
//   SWARMCODE_NO_NATIVE=1                       no native code at all: wasm (as for search)
import type NativeParser from 'tree-sitter';
import type * as WebTreeSitter from 'web-tree-sitter';
import type { Logger } from '../../log';
import type { SymbolsEngineInfo } from '../../protocol/engines';
import { checkPackageBinding } from '../../../native/elf';
import { loadLanguage, packageOf, wasmPath, type LanguageId } from './languages';

export type EngineKind = 'native' | 'wasm';
/** What the server reports: one engine, both (per language), or none (no grammar loads). */
export type SymbolsEngine = EngineKind | 'native+wasm' | 'none';
export type EngineChoice = EngineKind | 'auto';

interface Point {
  row: number;
  column: number;
}
export interface CaptureLike {
  name: string;
  node: { text: string; startPosition: Point };
}
export interface MatchLike {
  captures: CaptureLike[];
}

/** One language ready to parse: `read` sees the query matches of a parse of `text`. */
export interface Grammar {
  engine: EngineKind;
  withMatches<T>(text: string, read: (matches: MatchLike[]) => T): T;
}

export class EngineError extends Error {
  override name = 'EngineError';
}

/** The engine choice from the environment (an unknown value: auto, with the reason). */
export function engineChoice(env: NodeJS.ProcessEnv = process.env): { choice: EngineChoice; note?: string } {
  if (env.SWARMCODE_NO_NATIVE === '1') return { choice: 'wasm', note: 'SWARMCODE_NO_NATIVE=1' };
  const v = env.SWARMCODE_SYMBOLS_ENGINE?.trim().toLowerCase();
  if (!v) return { choice: 'auto' };
  if (v === 'wasm' || v === 'native' || v === 'auto') return { choice: v, note: `SWARMCODE_SYMBOLS_ENGINE=${v}` };
  return { choice: 'auto', note: `SWARMCODE_SYMBOLS_ENGINE=${JSON.stringify(env.SWARMCODE_SYMBOLS_ENGINE)} is not wasm, native or auto; using auto` };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (id: string): unknown => require(id);

/**
 * The longest a tags query may run on one file: deeply nested error trees (50 000 `[` in a .js
 * file) make the query run for 20 s; past this the file keeps the tags found so far.
 */
export const QUERY_TIMEOUT_MICROS = 1_000_000;

let nativeCore: typeof NativeParser | undefined;
export function nativeGrammar(id: LanguageId): Grammar {
  // A binding cut short would not throw: loading it kills the server (SIGBUS). Checked first.
  if (!nativeCore) checkPackageBinding('tree-sitter', __filename);
  checkPackageBinding(packageOf(id), __filename);
  const spec = loadLanguage(id);
  nativeCore ??= load('tree-sitter') as typeof NativeParser;
  const parser = new nativeCore();
  parser.setLanguage(spec.grammar as NativeParser.Language);
  const query = new nativeCore.Query(spec.grammar as NativeParser.Language, spec.query);
  return {
    engine: 'native',
    withMatches(text, read) {
      // The default 32 KiB buffer makes the binding fail on longer texts.
      const tree = parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
      return read(query.matches(tree.rootNode, { timeoutMicros: QUERY_TIMEOUT_MICROS }));
    },
  };
}

let web: Promise<typeof WebTreeSitter> | undefined;
function webCore(): Promise<typeof WebTreeSitter> {
  web ??= (async () => {
    const mod = load('web-tree-sitter') as typeof WebTreeSitter;
    await mod.Parser.init();
    return mod;
  })();
  web.catch(() => (web = undefined));
  return web;
}

async function wasmGrammar(id: LanguageId): Promise<Grammar> {
  const spec = loadLanguage(id, { grammar: false });
  const { Parser, Language, Query } = await webCore();
  const language = await Language.load(wasmPath(id));
  const parser = new Parser();
  parser.setLanguage(language);
  const query = new Query(language, spec.query);
  return {
    engine: 'wasm',
    withMatches(text, read) {
      const tree = parser.parse(text);
      if (!tree) throw new EngineError(`web-tree-sitter returned no tree for a ${id} file`);
      // The tree lives in the WebAssembly heap until deleted.
      try {
        // timeoutMicros: implemented by web-tree-sitter 0.25 (deprecated in its types only).
        return read(query.matches(tree.rootNode, { timeoutMicros: QUERY_TIMEOUT_MICROS } as WebTreeSitter.QueryOptions));
      } finally {
        tree.delete();
      }
    },
  };
}

const why = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err));

const grammars = new Map<LanguageId, Promise<Grammar | null>>();
/** Per language, why an engine was passed over ("native: …"; "wasm: …" when none loads). */
const fallbacks = new Map<LanguageId, string>();
let reported: string | undefined;

/**
 * The grammar for `id` (loaded once per process; null when no engine can load it). `loadNative`:
 * tests stand in a binding that does not load (a prebuild for another architecture).
 */
export function grammarFor(id: LanguageId, log: Logger, env: NodeJS.ProcessEnv = process.env, loadNative: (id: LanguageId) => Grammar = nativeGrammar): Promise<Grammar | null> {
  let g = grammars.get(id);
  if (!g) {
    g = (async () => {
      const { choice, note } = engineChoice(env);
      if (note && reported !== note) log.info(`symbols: engine ${choice} (${(reported = note)})`);
      let nativeFailure: string | undefined;
      if (choice !== 'wasm') {
        try {
          return loadNative(id);
        } catch (err) {
          nativeFailure = why(err);
          fallbacks.set(id, `native: ${nativeFailure}`);
          if (choice === 'native') {
            log.warn(`symbols: ${id}: native tree-sitter does not load (${nativeFailure}); no symbols for ${id}`);
            return null;
          }
        }
      }
      try {
        const g = await wasmGrammar(id);
        if (nativeFailure) log.info(`symbols: ${id}: native tree-sitter does not load (${nativeFailure}); using WebAssembly`);
        return g;
      } catch (err) {
        fallbacks.set(id, `${nativeFailure ? `native: ${nativeFailure}; ` : ''}wasm: ${why(err)}`);
        log.warn(`symbols: ${id}: no engine loads${nativeFailure ? ` (native: ${nativeFailure})` : ''} (wasm: ${why(err)}); no symbols for ${id}`);
        return null;
      }
    })();
    grammars.set(id, g);
  }
  return g;
}

/** Whether the native tree-sitter core and `id`'s grammar binding load (the reason is kept when not). */
function bindingsLoad(id: LanguageId, log: Logger): boolean {
  try {
    if (!nativeCore) checkPackageBinding('tree-sitter', __filename);
    checkPackageBinding(packageOf(id), __filename);
    nativeCore ??= load('tree-sitter') as typeof NativeParser;
    loadLanguage(id);
    return true;
  } catch (err) {
    log.debug(`symbols: ${id}: native bindings do not load (${why(err)})`);
    return false;
  }
}

/**
 * The engines of the languages loaded so far, as the server reports them (none loaded yet: the
 * JavaScript grammar is loaded to find out).
 */
export async function symbolsEngine(log: Logger): Promise<SymbolsEngine> {
  if (grammars.size === 0) await grammarFor('javascript', log);
  const kinds = new Set((await Promise.all(grammars.values())).flatMap((g) => (g ? [g.engine] : [])));
  if (kinds.size === 2) return 'native+wasm';
  return kinds.size === 1 ? [...kinds][0]! : 'none';
}

/** The engine as the `initialize` result reports it: which, what was asked for, and why a fallback was taken. */
export async function symbolsEngineInfo(log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<SymbolsEngineInfo> {
  const { choice, note } = engineChoice(env);
  // Before any grammar is loaded, the native bindings are only loaded (tree-sitter and the
  // JavaScript grammar: where a binding fails, for another CPU or cut short), not built into a
  // parser and a tags query (~40 ms more, which a one-shot run on a workspace without sources
  // never spends). The wasm engine is loaded in full: it is chosen, or native did not load.
  let engine: SymbolsEngine;
  if (grammars.size === 0 && choice !== 'wasm' && bindingsLoad('javascript', log)) engine = 'native';
  else engine = await symbolsEngine(log);
  return { engine, preference: choice, ...(note ? { note } : {}), fallbacks: [...fallbacks].map(([id, reason]) => `${id}: ${reason}`) };
}

/** Forgets the loaded grammars (tests switch engines within one process). */
export function resetEngines(): void {
  grammars.clear();
  fallbacks.clear();
  reported = undefined;
}
