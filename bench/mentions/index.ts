// @-mention completion (server/index/fuzzy.ts): one query over N workspace paths, the fuzzy ranker
// against a baseline measured in the same run — a plain case-insensitive substring filter sorted by
// length, the least a completion list could do (it finds no subsequence like "srvhndl" for server/handlers).
// Paths are synthetic but shaped like a monorepo (packages / src / nested folders / files).
import { FuzzyIndex } from '../../server/index/fuzzy';
import { fmt, percentile, printTable } from '../table';

function paths(n: number): string[] {
  const out: string[] = [];
  const words = ['core', 'server', 'client', 'utils', 'handlers', 'models', 'views', 'components', 'test', 'config'];
  for (let i = 0; out.length < n; i++) {
    const pkg = `packages/${words[i % 10]}-${i % 37}`;
    out.push(`${pkg}/src/${words[(i >> 3) % 10]}/${words[(i >> 5) % 10]}/${words[(i * 7) % 10]}File${i}.ts`);
  }
  return out;
}

function substring(q: string, items: string[], limit: number): string[] {
  const lq = q.toLowerCase();
  return items.filter((p) => p.toLowerCase().includes(lq)).sort((a, b) => a.length - b.length).slice(0, limit);
}

function time(fn: () => void, runs: number): number[] {
  fn(); // warm
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

const rows: (string | number)[][] = [['paths', 'query', 'fuzzy p50 ms', 'fuzzy p95 ms', 'substring p50 ms', 'fuzzy hits', 'substring hits']];
for (const n of [10_000, 100_000]) {
  const items = paths(n);
  const index = new FuzzyIndex(items, (p) => p); // built once per file list, as swarm/mentions does
  for (const q of ['handlers', 'srvhndl', 'coreFile99', 'zzqx']) {
    const f = time(() => index.filter(q, 30), 15);
    const s = time(() => substring(q, items, 30), 15);
    rows.push([n, q, fmt(percentile(f, 50)), fmt(percentile(f, 95)), fmt(percentile(s, 50)), index.filter(q, 30).length, substring(q, items, 30).length]);
  }
}
printTable('@-mention completion: one query (limit 30)', rows);
