// Aider-style repo map: a file graph from definitions and references, ranked with personalised
// PageRank (files in the conversation and identifiers the task mentions weigh more), rendered
// as the top-ranked definitions per file and cut to a token budget.
import type { SymbolIndex, Tag } from './symbols';

export interface RepoMapOptions {
  /** Workspace-relative files already in the conversation (weigh more, not listed themselves). */
  focusFiles?: string[];
  /** Identifiers the task mentions. */
  focusIdents?: string[];
  /** Budget for the rendered map (≈ 4 characters per token). Default 1024. */
  maxTokens?: number;
}

export const estimateTokens = (s: string) => Math.ceil(s.length / 4);

interface Ranked {
  path: string;
  tag: Tag;
  rank: number;
}

function pagerank(nodes: string[], edges: Map<string, Map<string, number>>, personal: Map<string, number>, iterations = 30): Map<string, number> {
  const n = nodes.length;
  const p = new Map<string, number>();
  const psum = [...personal.values()].reduce((a, b) => a + b, 0);
  for (const v of nodes) p.set(v, psum > 0 ? (personal.get(v) ?? 0) / psum : 1 / n);
  let rank = new Map(p);
  const outW = new Map<string, number>();
  for (const [src, m] of edges) outW.set(src, [...m.values()].reduce((a, b) => a + b, 0));
  for (let it = 0; it < iterations; it++) {
    const next = new Map<string, number>();
    let dangling = 0;
    for (const v of nodes) {
      const w = outW.get(v) ?? 0;
      if (w === 0) dangling += rank.get(v)!;
    }
    for (const v of nodes) next.set(v, 0.15 * p.get(v)! + 0.85 * dangling * p.get(v)!);
    for (const [src, m] of edges) {
      const r = rank.get(src)! * 0.85;
      const w = outW.get(src)!;
      for (const [dst, ew] of m) next.set(dst, next.get(dst)! + (r * ew) / w);
    }
    rank = next;
  }
  return rank;
}

/** Ranks definitions across the workspace. */
export function rankDefinitions(symbols: SymbolIndex, opts: RepoMapOptions): Ranked[] {
  const focusFiles = new Set(opts.focusFiles ?? []);
  const focusIdents = new Set(opts.focusIdents ?? []);
  const defines = new Map<string, Set<string>>();
  const references = new Map<string, Map<string, number>>();
  const defTags = new Map<string, Tag[]>(); // `${path}\0${ident}` → tags
  for (const [path, tags] of symbols.files) {
    for (const t of tags) {
      if (t.role === 'def') {
        (defines.get(t.name) ?? defines.set(t.name, new Set()).get(t.name)!).add(path);
        const k = `${path}\0${t.name}`;
        (defTags.get(k) ?? defTags.set(k, []).get(k)!).push(t);
      } else {
        const m = references.get(t.name) ?? references.set(t.name, new Map()).get(t.name)!;
        m.set(path, (m.get(path) ?? 0) + 1);
      }
    }
  }
  if (references.size === 0) for (const [name, files] of defines) references.set(name, new Map([...files].map((f) => [f, 1])));

  const nodes = [...symbols.files.keys()];
  const personal = new Map<string, number>();
  for (const f of nodes) {
    let w = focusFiles.has(f) ? 1 : 0;
    const base = f.slice(f.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
    if (focusIdents.has(base)) w += 0.5;
    if (w) personal.set(f, w);
  }

  const edges = new Map<string, Map<string, number>>();
  const edgeIdents = new Map<string, Map<string, number>>(); // `${src}\0${dst}` → ident → weight
  for (const [ident, refs] of references) {
    const defs = defines.get(ident);
    if (!defs) continue;
    let mul = 1;
    if (focusIdents.has(ident)) mul *= 10;
    if (ident.length >= 8 && /[a-z][A-Z]|_/.test(ident)) mul *= 10;
    if (ident.startsWith('_')) mul *= 0.1;
    if (defs.size > 5) mul *= 0.1;
    for (const [src, n] of refs) {
      const srcMul = focusFiles.has(src) ? 50 : 1;
      for (const dst of defs) {
        const w = mul * srcMul * Math.sqrt(n);
        const m = edges.get(src) ?? edges.set(src, new Map()).get(src)!;
        m.set(dst, (m.get(dst) ?? 0) + w);
        const k = `${src}\0${dst}`;
        const im = edgeIdents.get(k) ?? edgeIdents.set(k, new Map()).get(k)!;
        im.set(ident, (im.get(ident) ?? 0) + w);
      }
    }
  }
  const rank = pagerank(nodes, edges, personal);

  // Spread each file's rank over the definitions it points at.
  const defRank = new Map<string, number>();
  for (const [src, m] of edges) {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    for (const dst of m.keys()) {
      for (const [ident, w] of edgeIdents.get(`${src}\0${dst}`)!) {
        const k = `${dst}\0${ident}`;
        defRank.set(k, (defRank.get(k) ?? 0) + (rank.get(src)! * w) / total);
      }
    }
  }
  // Definitions nobody references still rank by their file (small), so the map is never empty.
  for (const k of defTags.keys()) if (!defRank.has(k)) defRank.set(k, (rank.get(k.split('\0')[0]) ?? 0) * 1e-3);

  const out: Ranked[] = [];
  for (const [k, r] of defRank) {
    const [path] = k.split('\0');
    if (focusFiles.has(path)) continue;
    for (const tag of defTags.get(k) ?? []) out.push({ path, tag, rank: r });
  }
  return out.sort((a, b) => b.rank - a.rank || (a.path < b.path ? -1 : 1) || a.tag.line - b.tag.line);
}

/** Files in rank order, each with its chosen definitions by line. */
export function renderMap(ranked: Ranked[]): string {
  const byFile = new Map<string, Tag[]>();
  for (const r of ranked) (byFile.get(r.path) ?? byFile.set(r.path, []).get(r.path)!).push(r.tag);
  const parts: string[] = [];
  for (const [path, tags] of byFile) {
    const seen = new Set<number>();
    const lines = tags
      .sort((a, b) => a.line - b.line)
      .filter((t) => !seen.has(t.line) && seen.add(t.line))
      .map((t) => `│ ${t.line}: ${t.signature ?? t.name}`);
    parts.push(`${path}:\n${lines.join('\n')}`);
  }
  return parts.join('\n');
}

/** The ranked map, as many definitions as fit in `maxTokens`. */
export async function buildRepoMap(symbols: SymbolIndex, opts: RepoMapOptions, signal: AbortSignal): Promise<string> {
  await symbols.ready(signal);
  const maxTokens = opts.maxTokens ?? 1024;
  const ranked = rankDefinitions(symbols, opts);
  let lo = 0;
  let hi = ranked.length;
  let best = '';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const text = renderMap(ranked.slice(0, mid));
    if (estimateTokens(text) <= maxTokens) {
      best = text;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}
