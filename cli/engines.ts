// The engines the server chose (its `initialize` result), for `swarmcode doctor` and
// `swarmcode run --verbose`.
import type { EnginesInfo, SearchEngineInfo, SymbolsEngineInfo } from '../server/protocol';
import type { DoctorCheck } from './doctor';
import { startServer } from './client';

/** "wasm from /…/trigram.js (native: not built)". */
export function describeSearch(s: SearchEngineInfo): string {
  const why = [...s.fallbacks, ...(s.note ? [s.note] : [])];
  return `${s.engine}${s.path ? ` from ${s.path}` : ''}${why.length ? ` (${why.join('; ')})` : ''}`;
}

/** "native", "wasm (SWARMCODE_NO_NATIVE=1)" or "wasm (javascript: native: …)". */
export function describeSymbols(s: SymbolsEngineInfo): string {
  const why = [...(s.note ? [s.note] : []), ...s.fallbacks];
  return `${s.engine}${why.length ? ` (${why.join('; ')})` : ''}`;
}

/** An unknown engine variable was ignored (the server says "… using auto"). */
const ignored = (note?: string) => note !== undefined && note.endsWith('using auto');

export function describeEngines(e: EnginesInfo): string {
  return `search ${describeSearch(e.search)}; symbols ${describeSymbols(e.symbols)}`;
}

const SEARCH_FIX = 'Searches run ripgrep over the files each time (slower on large repositories). Build the addon with `npm install`, or restore native/wasm/ from the package.';
const SYMBOLS_FIX = 'No tree-sitter grammar loads: the repo map and symbol lookups are empty. Reinstall the package (its tree-sitter-* and web-tree-sitter modules), or unset SWARMCODE_SYMBOLS_ENGINE.';

/** The checks from the engines a server reports. */
export function engineChecks(e: EnginesInfo): DoctorCheck[] {
  const search: DoctorCheck =
    ignored(e.search.note)
      ? { name: 'search engine', status: 'warn', detail: describeSearch(e.search), fix: 'Set SWARMCODE_SEARCH_ENGINE to native, wasm, ripgrep or auto, or unset it.' }
      : e.search.engine === 'ripgrep' && e.search.preference !== 'ripgrep'
      ? { name: 'search engine', status: 'warn', detail: describeSearch(e.search), fix: SEARCH_FIX }
      : { name: 'search engine', status: 'ok', detail: describeSearch(e.search) };
  const symbols: DoctorCheck =
    e.symbols.engine === 'none'
      ? { name: 'symbols engine', status: 'warn', detail: describeSymbols(e.symbols), fix: SYMBOLS_FIX }
      : ignored(e.symbols.note)
      ? { name: 'symbols engine', status: 'warn', detail: describeSymbols(e.symbols), fix: 'Set SWARMCODE_SYMBOLS_ENGINE to native, wasm or auto, or unset it.' }
      : { name: 'symbols engine', status: 'ok', detail: describeSymbols(e.symbols) };
  return [search, symbols];
}

/** Starts the server in `workspace` only to read its `initialize` result (no index is built), and stops it. */
export async function probeEngines(workspace: string): Promise<DoctorCheck[]> {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(workspace, {}, { initialized: false });
    if (!server.engines) return [{ name: 'search engine', status: 'fail', detail: 'the server reported no engines in its initialize result', fix: 'The server bundle is older than the CLI: rebuild (`npm run build`) or reinstall.' }];
    return engineChecks(server.engines);
  } catch (err) {
    return [{ name: 'search engine', status: 'fail', detail: `the server did not start: ${(err as Error).message.split('\n')[0]}`, fix: 'Rebuild (`npm run build`) or reinstall the package.' }];
  } finally {
    await server?.shutdown();
  }
}
