// Shapes shared by the search facade, the swarm/search handler and the tools.

export interface SearchQuery {
  query: string;
  /** Regex (ripgrep syntax) when true; a fixed string otherwise. */
  regex?: boolean;
  /** ripgrep-style glob over workspace-relative paths, e.g. "*.ts" or "!test/**". */
  glob?: string;
  /** Default 200. */
  maxResults?: number;
}

export interface SearchMatch {
  /** Workspace-relative, forward slashes. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based byte column of the first match in the line (as ripgrep's --column). */
  column: number;
  /** The line, without its terminator, cut to a bounded length. */
  text: string;
}

export interface SearchResult {
  matches: SearchMatch[];
  truncated: boolean;
  engine: 'native' | 'wasm' | 'ripgrep';
}
