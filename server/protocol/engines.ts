// The engines the server runs on, in its `initialize` result: the search engine (the trigram index
// as a native addon or WebAssembly, else ripgrep) and the tree-sitter engine of the symbol index
// (native bindings or web-tree-sitter), each with why an earlier choice was passed over.
// They sit under `capabilities.experimental.swarmcode` (LSP 3.17 ServerCapabilities.experimental:
// "experimental server capabilities", any value).

export interface SearchEngineInfo {
  /** The engine chosen at start (native, then wasm, then ripgrep; SWARMCODE_SEARCH_ENGINE forces one). */
  engine: 'native' | 'wasm' | 'ripgrep';
  /** What was asked for: SWARMCODE_SEARCH_ENGINE, auto when unset or unknown. */
  preference: 'auto' | 'native' | 'wasm' | 'ripgrep';
  /** Why each engine before it was passed over ("native: disabled by SWARMCODE_NO_NATIVE=1"); empty when the first one loaded. */
  fallbacks: string[];
  /** The file the index was loaded from (native and wasm). */
  path?: string;
  /** An unknown SWARMCODE_SEARCH_ENGINE value that was ignored ("… using auto"). */
  note?: string;
}

export interface SymbolsEngineInfo {
  /** The tree-sitter engine of the languages loaded at start: native, wasm, both (per language), or none. */
  engine: 'native' | 'wasm' | 'native+wasm' | 'none';
  /** What was asked for: SWARMCODE_SYMBOLS_ENGINE (wasm under SWARMCODE_NO_NATIVE=1), auto when unset. */
  preference: 'auto' | 'native' | 'wasm';
  /** Per language, why the native binding (or every engine) was passed over ("javascript: native: …"). */
  fallbacks: string[];
  /** The variable that set the preference ("SWARMCODE_NO_NATIVE=1"), or an unknown value that was ignored ("… using auto"). */
  note?: string;
}

export interface EnginesInfo {
  search: SearchEngineInfo;
  symbols: SymbolsEngineInfo;
}

/** What SwarmCode adds to the `initialize` result: `capabilities.experimental.swarmcode`. */
export interface SwarmCapabilities {
  engines: EnginesInfo;
}

/** The server's `initialize` result as SwarmCode sends it. */
export interface SwarmInitializeResult {
  capabilities: { experimental: { swarmcode: SwarmCapabilities } } & Record<string, unknown>;
  serverInfo: { name: string; version: string };
}
