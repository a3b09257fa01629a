import { RequestType } from './rpc';

// Search (issue 5): the workspace's trigram index (the native addon, else its WebAssembly build),
// or ripgrep when neither loads (issue 15).

export interface SearchParams {
  query: string;
  /** ripgrep regex syntax when true; a fixed string otherwise. */
  regex?: boolean;
  /** ripgrep-style glob over workspace-relative paths ("*.ts", "src/**", "!test/**"). */
  glob?: string;
  /** Default 200, at most 100000. */
  maxResults?: number;
}

export interface SearchMatchInfo {
  /** Workspace-relative, forward slashes. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based byte column of the first match in the line (as ripgrep's --column). */
  column: number;
  /** The line without its terminator, cut to 2000 characters. */
  text: string;
}

export interface SearchResultInfo {
  matches: SearchMatchInfo[];
  /** More matches exist past maxResults. */
  truncated: boolean;
  /** Which engine answered: the trigram index (native addon or its WebAssembly build) or ripgrep. */
  engine: 'native' | 'wasm' | 'ripgrep';
}

/** Client → server. Matches in path order, one per matching line. */
export const SearchRequest = new RequestType<SearchParams, SearchResultInfo, void>('swarm/search');

export interface IndexStatusInfo {
  /** The engine chosen at start: native, then wasm, then ripgrep (SWARMCODE_SEARCH_ENGINE forces one). */
  engine: 'native' | 'wasm' | 'ripgrep';
  /** building: the index is being built (ripgrep answers meanwhile); failed: it broke, ripgrep answers. */
  state: 'idle' | 'building' | 'ready' | 'failed';
  /** Why engines before it were passed over (or why the index failed); where it was loaded from. */
  detail: string;
  /** Files in the index and the bytes it holds, once built. */
  files?: number;
  indexBytes?: number;
}

/** Client → server. Which search engine serves this workspace, and in what state. */
export const IndexStatusRequest = new RequestType<Record<string, never> | undefined, IndexStatusInfo, void>('swarm/indexStatus');
