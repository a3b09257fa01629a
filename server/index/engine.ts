// Which search engine serves the workspace: the native trigram index (the node-gyp addon), the
// same index compiled to WebAssembly, or ripgrep alone — the first that loads, in that order.
//   SWARMCODE_SEARCH_ENGINE=native|wasm|ripgrep   only that one (native or wasm missing: ripgrep)
//   SWARMCODE_NO_NATIVE=1 / SWARMCODE_NO_WASM=1   skip one
import type { NativeAddon } from '../../native/index';
import { loadNative } from '../../native/index';
import { loadWasm } from '../../native/wasm';

export const ENGINES = ['native', 'wasm', 'ripgrep'] as const;
export type EngineName = (typeof ENGINES)[number];
export type EnginePreference = EngineName | 'auto';

export interface EngineChoice {
  engine: EngineName;
  /** The index implementation (native or wasm); undefined for ripgrep. */
  addon?: NativeAddon;
  /** The file it was loaded from. */
  path?: string;
  /** Why each engine before it was passed over ("native: …"). */
  skipped: string[];
  /** The preference it was chosen under, and where that came from. */
  preference: EnginePreference;
}

/** The preference from SWARMCODE_SEARCH_ENGINE; an unknown value is reported, not guessed at. */
export function enginePreference(env: NodeJS.ProcessEnv = process.env): { preference: EnginePreference; invalid?: string } {
  const v = env.SWARMCODE_SEARCH_ENGINE?.trim().toLowerCase();
  if (!v || v === 'auto') return { preference: 'auto' };
  if ((ENGINES as readonly string[]).includes(v)) return { preference: v as EngineName };
  return { preference: 'auto', invalid: `SWARMCODE_SEARCH_ENGINE=${JSON.stringify(env.SWARMCODE_SEARCH_ENGINE)} is not one of native, wasm, ripgrep, auto; using auto` };
}

/** Picks the engine: native, then wasm, then ripgrep (or only the preferred one, then ripgrep). */
export function chooseEngine(preference?: EnginePreference): EngineChoice {
  const pref = preference ?? enginePreference().preference;
  const skipped: string[] = [];
  const tries = pref === 'auto' ? (['native', 'wasm'] as const) : pref === 'ripgrep' ? [] : [pref];
  if (pref === 'ripgrep') skipped.push('index: disabled (ripgrep chosen)');
  for (const name of tries) {
    const r = name === 'native' ? loadNative() : loadWasm();
    if (r.addon) return { engine: name, addon: r.addon, path: r.path, skipped, preference: pref };
    skipped.push(`${name}: ${r.reason}`);
  }
  return { engine: 'ripgrep', skipped, preference: pref };
}

/** One line for logs and `swarmcode doctor`: "wasm (native: not built)". */
export function describeChoice(c: Pick<EngineChoice, 'engine' | 'skipped' | 'path'>): string {
  const from = c.path ? ` from ${c.path}` : '';
  return `${c.engine}${from}${c.skipped.length ? ` (${c.skipped.join('; ')})` : ''}`;
}
