import { RequestType } from 'vscode-jsonrpc';

// Search (issue 5): the workspace's native trigram index, or ripgrep when the addon is missing.

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
  engine: 'native' | 'ripgrep';
}

/** Client → server. Matches in path order, one per matching line. */
export const SearchRequest = new RequestType<SearchParams, SearchResultInfo, void>('swarm/search');
