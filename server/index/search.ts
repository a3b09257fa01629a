// The search facade: the trigram index — the native addon, else its WebAssembly build (engine.ts)
// — built in the background on first use, kept warm, updated from file-change notifications;
// ripgrep when neither loads, and for what the index cannot answer.
import type { Logger } from '../log';
import type { DocumentStore } from '../workspace/types';
import type { IndexOptions, IndexStats } from '../../native/index';
import { chooseEngine, describeChoice, enginePreference, type EngineName, type EnginePreference } from './engine';
import { NativeSearch, type BuildReport } from './native_search';
import { ripgrepSearch } from './ripgrep';
import { DirWatcher } from './watch';
import type { SearchQuery, SearchResult } from './types';
import { rootsView } from './roots-view';
import type { SearchEngineInfo } from '../protocol/engines';

export const DEFAULT_MAX_RESULTS = 200;
export const MAX_LINE_CHARS = 2000;

export interface SearchOptions extends IndexOptions {
  /** Which engine (default: SWARMCODE_SEARCH_ENGINE, else auto = native, then wasm, then ripgrep). */
  engine?: EnginePreference;
  /** Watch the folders ripgrep walks and update the index on changes (default true). */
  watch?: boolean;
  /** Most folders to watch (default 50 000); past it the index is not trusted and ripgrep answers. */
  maxWatchedFolders?: number;
}

export interface Search {
  search(query: SearchQuery, signal: AbortSignal): Promise<SearchResult>;
  /** Absolute paths that changed on disk (created, modified or deleted). */
  update(absPaths: string[]): void;
  /** Starts the index build if needed and resolves when it is queryable (false: ripgrep only). */
  ready(signal?: AbortSignal): Promise<boolean>;
  /**
   * The warm native index with queued updates applied, or undefined when it is not built yet
   * (the build is started) or unavailable; for callers that need more than `search`.
   */
  warm(): Promise<NativeSearch | undefined>;
  /** Resolves when queued updates are applied. */
  flush(): Promise<void>;
  /** The engine answering queries now (ripgrep until the index is built and trusted). */
  stats(): { engine: EngineName; index?: IndexStats; build?: BuildReport };
  /** The engine chosen at start (the index answers once built), and why earlier ones were passed over. */
  engine(): EngineStatus;
  /** The choice made at start, as the `initialize` result reports it. */
  choice(): SearchEngineInfo;
  /**
   * A caller of `warm()` hit a fault of the index (a WasmFault: out of memory, a trap): the index
   * is dropped and ripgrep answers from now on, as when `search` hits one.
   */
  fault(err: Error): void;
  dispose(): void;
}

/** What the index needs of the workspace: its root and, when there is an editor, its unsaved buffers. */
export interface SearchWorkspace {
  root: string;
  /** Multi-root: the real roots and their names (the folders of links under `root`). */
  roots?: readonly string[];
  folders?: readonly string[];
  documents?: DocumentStore & { dirtyPaths?(): string[] };
}

export interface EngineStatus {
  /** The chosen engine. */
  engine: EngineName;
  /** building: the index is being built (ripgrep answers meanwhile); failed: it broke, ripgrep answers. */
  state: 'idle' | 'building' | 'ready' | 'failed';
  /** Why engines before it were passed over, or why the index failed. */
  detail: string;
}

export function createSearch(given: SearchWorkspace, log: Logger, options: SearchOptions = {}): Search {
  const view = rootsView(given);
  const workspace = view.workspace;
  const root = workspace.root;
  const life = new AbortController();
  const pref = enginePreference();
  if (pref.invalid) log.warn(`search: ${pref.invalid}`);
  const choice = chooseEngine(options.engine ?? pref.preference);
  let failure: string | undefined;
  let native: NativeSearch | undefined;
  let building: Promise<boolean> | undefined;
  let build: BuildReport | undefined;
  let updates = Promise.resolve();
  const pending = new Set<string>();
  let watcher: DirWatcher | undefined;

  log.info(`search: engine ${describeChoice(choice)}`);

  /** The index broke (a WasmFault: out of memory, a trap): ripgrep answers from now on. */
  function failIndex(err: Error): void {
    if (failure) return;
    failure = `${choice.engine} index failed: ${err.message}`;
    log.warn(`search: ${failure}; using ripgrep`);
    native?.dispose();
    native = undefined;
    watcher?.close();
    watcher = undefined;
  }
  const isFault = (err: unknown) => err instanceof Error && err.name === 'WasmFault';

  function startBuild(): Promise<boolean> {
    if (!choice.addon || failure) return Promise.resolve(false);
    if (building) return building;
    let ns: NativeSearch;
    try {
      ns = new NativeSearch(root, choice.addon, options, view.tops);
    } catch (err) {
      failIndex(err as Error);
      return (building = Promise.resolve(false));
    }
    ns.buffers = workspace.documents;
    building = ns.build(life.signal).then(
      async (report) => {
        build = report;
        native = ns;
        if (options.watch !== false && !life.signal.aborted) {
          const w = new DirWatcher(root, (paths) => api.update(paths), log, options.maxWatchedFolders);
          w.watch('.');
          for (const d of ns.walkedDirs()) w.watch(d);
          ns.onDir = (d) => w.watch(d);
          watcher = w;
        }
        const s = ns.stats();
        log.info(
          `search: indexed ${report.indexed} files (${report.binary} binary skipped, ${report.overflow} read from disk) ` +
            `in ${Math.round(report.ms)} ms, ${(s.totalBytes / 1048576).toFixed(1)} MiB`,
        );
        // Files already open with unsaved changes were read from disk by the build.
        for (const p of workspace.documents?.dirtyPaths?.() ?? []) pending.add(p);
        if (pending.size) {
          const paths = [...pending];
          pending.clear();
          await ns.update(paths, life.signal);
        }
        return true;
      },
      (err: Error) => {
        if (isFault(err)) failIndex(err);
        else if (err.name !== 'AbortError') log.warn(`search: index build failed (${err.message}); using ripgrep`);
        ns.dispose();
        return false;
      },
    );
    return building;
  }

  /** The index sees every change: watched completely (or watching is left to the caller). */
  const trusted = () => options.watch === false || (watcher?.complete ?? false);

  /** Lets pending file events in, applies them, and waits for queued updates. */
  async function settle(): Promise<void> {
    if (watcher) {
      await new Promise<void>((r) => setImmediate(r));
      watcher.drain();
    }
    await updates;
  }

  const api: Search = {
    async search(query, signal) {
      const max = Math.max(1, Math.min(query.maxResults ?? DEFAULT_MAX_RESULTS, 100_000));
      if (!native) void startBuild();
      if (native && trusted()) {
        await settle();
        try {
          const r = await native?.search(query, max, MAX_LINE_CHARS, signal);
          if (r) return { ...r, engine: choice.engine };
          if (native) log.debug(`search: regex ${JSON.stringify(query.query)} outside the native subset; asking ripgrep`);
        } catch (err) {
          if (!isFault(err)) throw err;
          failIndex(err as Error);
        }
      }
      return { ...(await ripgrepSearch(root, query, max, MAX_LINE_CHARS, signal, view.tops.length ? view.tops : undefined)), engine: 'ripgrep' };
    },
    update(given) {
      const absPaths = given.map(view.toIndex);
      if (!native) {
        if (building) for (const p of absPaths) pending.add(p);
        return;
      }
      const ns = native;
      updates = updates
        .then(() => ns.update(absPaths, life.signal))
        .catch((err: Error) => {
          if (isFault(err)) failIndex(err);
          else if (err.name !== 'AbortError') log.warn(`search: index update failed: ${err.message}`);
        });
    },
    ready(signal) {
      const p = startBuild();
      if (!signal) return p;
      return Promise.race([
        p,
        new Promise<boolean>((_, reject) => {
          if (signal.aborted) reject(new Error('aborted'));
          else signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
      ]);
    },
    async warm() {
      if (!native) {
        void startBuild();
        return undefined;
      }
      if (!trusted()) return undefined;
      await settle();
      return native;
    },
    flush() {
      return updates;
    },
    stats() {
      return native ? { engine: choice.engine, index: native.stats(), build } : { engine: 'ripgrep' };
    },
    engine() {
      const state = failure ? 'failed' : native ? 'ready' : building ? 'building' : 'idle';
      const detail = failure ?? (choice.skipped.join('; ') || (choice.path ?? ''));
      return { engine: choice.engine, state: choice.engine === 'ripgrep' ? 'ready' : state, detail };
    },
    choice() {
      const note = options.engine ? undefined : pref.invalid;
      return { engine: choice.engine, preference: choice.preference, fallbacks: [...choice.skipped], ...(choice.path ? { path: choice.path } : {}), ...(note ? { note } : {}) };
    },
    fault(err) {
      if (isFault(err)) failIndex(err);
    },
    dispose() {
      life.abort();
      watcher?.close();
      native?.dispose();
      native = undefined;
    },
  };
  return api;
}
