import { RequestType } from './rpc';

// Symbols (issue 15): the tree-sitter tags of the workspace and which engine parsed them.

export interface SymbolsParams {
  /** The exact identifier. */
  name: string;
  /** Filters definitions by kind (function, method, class, interface, type, module, enum, …). */
  kind?: string;
}

export interface SymbolInfo {
  /** Workspace-relative, forward slashes. */
  path: string;
  name: string;
  /** e.g. function, class, method, interface, type, module, call, implementation. */
  kind: string;
  role: 'def' | 'ref';
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 characters. */
  column: number;
  /** Definitions: the first line of the definition, trimmed, cut to 200 characters. */
  signature?: string;
}

export interface SymbolsResultInfo {
  defs: SymbolInfo[];
  refs: SymbolInfo[];
  /**
   * The tree-sitter engine: `native` (the packages' prebuilds or a local build), `wasm`
   * (web-tree-sitter and the grammars' .wasm), `native+wasm` (per language), `none` (no grammar loads).
   */
  symbolsEngine: 'native' | 'wasm' | 'native+wasm' | 'none';
}

/** Client → server. Definitions and references in path, then line order. */
export const SymbolsRequest = new RequestType<SymbolsParams, SymbolsResultInfo, void>('swarm/symbols');
