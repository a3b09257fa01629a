// Codebase intelligence facade: search (native index or ripgrep), symbols, the repo map.
import type { Logger } from '../log';
import { buildRepoMap, type RepoMapOptions } from './repo_map';
import { createSearch, type Search, type SearchOptions, type SearchWorkspace } from './search';
import { SymbolIndex, type SymbolOptions } from './symbols';
import { rootsView } from './roots-view';

export type { SearchQuery, SearchMatch, SearchResult } from './types';
export type { Search } from './search';
export type { RepoMapOptions } from './repo_map';
export { createSearch } from './search';
export { SymbolIndex } from './symbols';
export { buildRepoMap } from './repo_map';

export interface CodeIndex {
  search: Search;
  symbols: SymbolIndex;
  /** Ranked map of the workspace cut to a token budget (for the shared prompt prefix). */
  buildRepoMap(opts: RepoMapOptions, signal: AbortSignal): Promise<string>;
  /** Absolute paths changed on disk (wire to ServerContext.onFilesChanged). */
  update(absPaths: string[]): void;
  dispose(): void;
}

export function createCodeIndex(
  workspace: SearchWorkspace,
  log: Logger,
  opts: { search?: SearchOptions; symbols?: SymbolOptions } = {},
): CodeIndex {
  const search = createSearch(workspace, log, opts.search);
  const view = rootsView(workspace);
  const symbols = new SymbolIndex(workspace.root, log, { ...opts.symbols, tops: view.tops });
  return {
    search,
    symbols,
    buildRepoMap: (o, signal) => buildRepoMap(symbols, o, signal),
    update(absPaths) {
      search.update(absPaths);
      symbols.update(absPaths.map(view.toIndex)).catch((err: Error) => log.warn(`symbols: update failed: ${err.message}`));
    },
    dispose() {
      search.dispose();
    },
  };
}
