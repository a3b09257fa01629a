// grep answered from the warm native index (server/index) instead of a ripgrep process: the
// same files (ripgrep's own file list, kept current), the same matches (tested against rg),
// the same output. Undefined means "ask ripgrep" (index not built, regex outside the native
// subset, a path the index does not hold, ...).
import type { CodeIndex } from '../index/index';
import type { NativeSearch } from '../index/native_search';
import { formatLineMatches, type LineCollector } from './grep_lines';

export interface GrepQuery {
  pattern: string;
  regex?: boolean;
  glob?: string;
  /** Workspace-relative scope: '.', a folder or a file. */
  scope: string;
  mode: 'files' | 'lines';
  max: number;
  context: number;
  /** Lines mode stops counting here (reported as "more than"). */
  countCap: number;
}

export type GrepAnswer =
  | { kind: 'files'; files: Array<[string, number]>; fileCount: number; matchCount: number }
  | { kind: 'lines'; col: LineCollector; total: number; files: number; stopped: boolean };

function scopeFilter(ns: NativeSearch, scope: string, glob?: string): ((rel: string) => boolean) | null | undefined {
  if (scope === '.' || scope === '') return undefined;
  // ripgrep matches a glob containing '/' against the path as it walks it: keep that to rg.
  if (glob?.includes('/')) return null;
  if (ns.has(scope)) return (rel) => rel === scope;
  if (ns.hasDir(scope)) {
    const prefix = `${scope}/`;
    return (rel) => rel.startsWith(prefix);
  }
  return null; // not a file or folder ripgrep walks from the root (ignored, binary, empty): rg decides
}

export async function grepNative(index: CodeIndex | undefined, q: GrepQuery, signal: AbortSignal): Promise<GrepAnswer | undefined> {
  const ns = await index?.search.warm();
  if (!ns || !index) return undefined;
  try {
    return await fromIndex(ns, q, signal);
  } catch (err) {
    // The index broke under this query (the wasm module ran out of memory, trapped): it is
    // dropped and ripgrep answers this grep and the next ones.
    if (!(err instanceof Error) || err.name !== 'WasmFault') throw err;
    index.search.fault(err);
    return undefined;
  }
}

async function fromIndex(ns: NativeSearch, q: GrepQuery, signal: AbortSignal): Promise<GrepAnswer | undefined> {
  const scope = scopeFilter(ns, q.scope, q.glob);
  if (scope === null) return undefined;
  const query = { query: q.pattern, regex: q.regex ?? false, glob: q.glob };
  if (q.mode === 'files') {
    const counts = await ns.count(query, Number.MAX_SAFE_INTEGER, signal, scope);
    if (!counts) return undefined;
    let matchCount = 0;
    for (const f of counts.files) matchCount += f.matches;
    const files = counts.files.slice(0, q.max).map((f): [string, number] => [f.path, f.matches]);
    return { kind: 'files', files, fileCount: counts.files.length, matchCount };
  }
  const counts = await ns.count(query, q.countCap, signal, scope);
  if (!counts) return undefined;
  let total = 0;
  for (const f of counts.files) total += f.lines;
  const col: LineCollector = { max: q.max, context: q.context, total: 0, files: new Set(), out: [], lastPath: '', lastLine: -1, lastShown: -1 };
  if (total > 0) {
    const shown = await ns.search(query, q.max, Number.MAX_SAFE_INTEGER, signal, scope);
    if (!shown) return undefined;
    // Replay what ripgrep's --json stream would hold around the shown matches.
    let i = 0;
    while (i < shown.matches.length) {
      const path = shown.matches[i].path;
      const hits = new Map<number, number>(); // line → 1-based byte column of its first match
      for (; i < shown.matches.length && shown.matches[i].path === path; i++) hits.set(shown.matches[i].line, shown.matches[i].column);
      const text = ns.text(path);
      if (text === undefined) return undefined;
      const lines = text.split('\n');
      if (lines.length && lines[lines.length - 1] === '') lines.pop();
      const want = new Set<number>();
      for (const h of hits.keys()) for (let l = Math.max(1, h - q.context); l <= Math.min(lines.length, h + q.context); l++) want.add(l);
      if (i >= shown.matches.length && shown.truncated && q.context > 0) {
        // Trailing context of the last shown match may hold matches past the cap: ripgrep
        // reports those as matches (not shown, but they break the context run).
        const more = await ns.search(query, hits.size + q.context, Number.MAX_SAFE_INTEGER, signal, (rel) => rel === path);
        if (!more) return undefined;
        for (const m of more.matches) if (!hits.has(m.line)) hits.set(m.line, m.column);
      }
      for (const l of [...want].sort((a, b) => a - b)) {
        const line = lines[l - 1];
        const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
        const byteCol = hits.get(l);
        // Long lines are cut around the match: its UTF-16 index.
        const column = byteCol !== undefined && raw.length > 300 ? Buffer.from(line, 'utf8').subarray(0, byteCol - 1).toString('utf8').length : 0;
        formatLineMatches(col, { type: byteCol !== undefined ? 'match' : 'context', path, lineNumber: l, text: raw, column });
      }
    }
  }
  return { kind: 'lines', col, total, files: counts.files.length, stopped: counts.capped };
}
