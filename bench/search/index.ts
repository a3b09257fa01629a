// Search benchmark (not a test): the trigram index (native addon and its WebAssembly build) vs
// ripgrep on the same queries, in the same run.
//   npx tsx bench/search/index.ts [--gen-mb 128] [--reps 5] [--rg-reps 3] [--only node_modules|generated|symbols] [--cap-mb N]
// Corpora: this project's node_modules, and a generated repository under /tmp.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '../../server/log';
import { createSearch, type Search } from '../../server/index/search';
import { wasmHeapBytes } from '../../native/wasm';
import { SymbolIndex } from '../../server/index/symbols';
import type { SearchQuery } from '../../server/index/types';
import { runRg, RG_FILTERS } from '../../server/index/ripgrep';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const GEN_MB = arg('gen-mb', 128);
const REPS = arg('reps', 5);
const RG_REPS = arg('rg-reps', 3);
/** Index memory cap in MiB for both builds (default: theirs); past it files are read from disk per query. */
const CAP_MB = arg('cap-mb', 0);
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const MAX = 200;
const log = createLogger(() => 'warn', (l, line) => process.stderr.write(`${l}: ${line}\n`));

const LITERALS = ['useState', 'createElement', 'addEventListener', 'Buffer.from', 'process.env.NODE_ENV', 'TypeError', 'hasOwnProperty', 'Symbol.iterator', 'Promise.resolve', 'JSON.parse', 'module.exports', 'readFileSync', 'encodeURIComponent', 'Object.defineProperty', 'new Map(', 'zod', 'tree_sitter', 'keccak', 'WebAssembly', 'ECONNRESET'];
const REGEXES = ['function\\s+parse[A-Z]\\w*', 'class \\w+Error extends', 'import .* from .react.', 'export (default )?function', 'TODO|FIXME', '\\bfetch\\(', 'require\\(.fs.\\)', '[A-Z_]{12,}', 'async \\w+\\(', 'throw new \\w+Error', 'https?://github\\.com/\\w+', '\\.then\\(', 'console\\.(log|warn)', 'process\\.exit\\(\\d\\)', 'const \\w+ = require', '@param \\{string\\}', 'new Promise\\(', 'Object\\.(keys|values|entries)', '\\d+\\.\\d+\\.\\d+', 'sha(1|256|512)'];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const WORDS = 'const let function return if else for while class extends import export from async await new this value result error data item index count list map set get name type node text buffer stream parse render update state props config options handler request response'.split(' ');

function generate(root: string, mb: number): void {
  if (existsSync(join(root, '.done'))) return;
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const target = mb * 1024 * 1024;
  let total = 0;
  for (let f = 0; total < target; f++) {
    const lines: string[] = [];
    let size = 0;
    while (size < 64 * 1024) {
      const n = 3 + Math.floor(rnd() * 10);
      const ws: string[] = [];
      for (let i = 0; i < n; i++) ws.push(WORDS[Math.floor(rnd() * WORDS.length)] + (rnd() < 0.1 ? Math.floor(rnd() * 1000) : ''));
      if (rnd() < 0.01) ws.push(LITERALS[Math.floor(rnd() * LITERALS.length)]);
      const line = '  '.repeat(Math.floor(rnd() * 4)) + ws.join(' ') + ';';
      lines.push(line);
      size += line.length + 1;
    }
    const dir = join(root, `pkg${f % 50}`, `mod${f % 13}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `file${f}.ts`), lines.join('\n'));
    total += size;
  }
  writeFileSync(join(root, '.done'), '');
}

async function benchCorpus(label: string, root: string) {
  const signal = new AbortController().signal;
  const rows: string[] = [];
  // Both builds of the index, built one after the other, kept warm side by side.
  const idx: { name: 'native' | 'wasm'; search: Search }[] = [];
  for (const name of ['native', 'wasm'] as const) {
    const search = createSearch({ root }, log, { engine: name, ...(CAP_MB ? { memoryCapBytes: CAP_MB * 1048576 } : {}) });
    const t0 = performance.now();
    const ok = await search.ready();
    const buildMs = performance.now() - t0;
    if (!ok) {
      rows.push(`| ${label} | ${name} | unavailable (${search.engine().detail}) |`);
      search.dispose();
      continue;
    }
    idx.push({ name, search });
    const st = search.stats();
    const text = st.index?.contentBytes ?? 0;
    const mem = st.index?.totalBytes ?? 0;
    rows.push(`| ${label} | ${name}: files indexed | ${st.build?.indexed ?? 0} (of ${st.build?.files ?? 0}; ${st.build?.binary ?? 0} binary skipped, ${st.build?.overflow ?? 0} from disk${CAP_MB ? ` past the ${CAP_MB} MiB cap` : ''}) |`);
    if (idx.length === 1) rows.push(`| ${label} | text held in the index | ${(text / 1048576).toFixed(1)} MiB |`);
    rows.push(`| ${label} | ${name} index build | ${(buildMs / 1000).toFixed(2)} s, ${((text / 1048576) / (buildMs / 1000)).toFixed(1)} MB/s |`);
    const heap = name === 'wasm' ? `; wasm linear memory grown to ${((wasmHeapBytes() ?? 0) / 1048576).toFixed(0)} MiB` : '';
    rows.push(`| ${label} | ${name} index memory | ${(mem / 1048576).toFixed(1)} MiB = ${(mem / Math.max(1, text)).toFixed(2)}× text (postings ${((st.index?.postingBytes ?? 0) / 1048576).toFixed(1)} MiB, table ${((st.index?.tableBytes ?? 0) / 1048576).toFixed(1)} MiB, block filters ${((st.index?.blockBytes ?? 0) / 1048576).toFixed(1)} MiB)${heap} |`);
  }
  const rg = createSearch({ root }, log, { engine: 'ripgrep' });
  const key = (m: { path: string; line: number; column: number }) => `${m.path}:${m.line}:${m.column}`;
  for (const [kind, qs] of [['literal', LITERALS], ['regex', REGEXES]] as const) {
    const times = new Map<string, number[]>(idx.map((x) => [x.name, []]));
    const rgt: number[] = [];
    const rgp: number[] = [];
    const engines = new Map<string, Set<string>>(idx.map((x) => [x.name, new Set()]));
    const differ = new Map<string, string[]>(idx.map((x) => [x.name, []]));
    let empty = 0;
    for (const q of qs) {
      const query: SearchQuery = { query: q, regex: kind === 'regex', maxResults: MAX };
      const want = await rg.search(query, signal); // warm-up: page cache (not timed)
      for (const { name, search } of idx) {
        const first = await search.search(query, signal); // warm-up (not timed)
        for (let r = 0; r < REPS; r++) {
          const t = performance.now();
          const res = await search.search(query, signal);
          times.get(name)!.push(performance.now() - t);
          engines.get(name)!.add(res.engine);
        }
        if (first.truncated !== want.truncated || first.matches.map(key).join() !== want.matches.map(key).join()) differ.get(name)!.push(q);
      }
      for (let r = 0; r < RG_REPS; r++) {
        const t = performance.now();
        await rg.search(query, signal);
        rgt.push(performance.now() - t);
      }
      const t = performance.now();
      await rgParallel(root, query);
      rgp.push(performance.now() - t);
      if (want.matches.length === 0) empty++;
    }
    const p50r = pct(rgt, 50), p99r = pct(rgt, 99);
    const cells = idx.map(({ name }) => {
      const xs = times.get(name)!;
      const d = differ.get(name)!;
      return `${name} ${pct(xs, 50).toFixed(2)} / ${pct(xs, 99).toFixed(2)} ms (**${(p50r / pct(xs, 50)).toFixed(1)}×** ripgrep's p50; engines ${[...engines.get(name)!].join('+')}; ≠ ripgrep ${d.length}/20${d.length ? `: ${d.join(', ')}` : ''})`;
    });
    rows.push(`| ${label} | ${kind} ×20 warm p50 / p99 | ${cells.join('; ')}; ripgrep ${p50r.toFixed(1)} / ${p99r.toFixed(1)} ms; queries with 0 matches: ${empty}/20 |`);
    const base = idx.length ? pct(times.get(idx[0].name)!, 50) : NaN;
    rows.push(`| ${label} | ${kind} ripgrep unsorted (all threads) p50 | ${pct(rgp, 50).toFixed(1)} ms = ${(pct(rgp, 50) / base).toFixed(1)}× ${idx[0]?.name ?? ''} p50 |`);
  }
  for (const { search } of idx) search.dispose();
  rg.dispose();
  return rows;
}

/** ripgrep at its fastest: no --sort (parallel walk), stopped after MAX matching lines. */
async function rgParallel(root: string, q: SearchQuery): Promise<void> {
  let n = 0;
  const args = ['--line-number', '--column', '--no-heading', '--null', ...RG_FILTERS, ...(q.regex ? [] : ['--fixed-strings']), '--regexp', q.query, '--', '.'];
  await runRg(args, root, new AbortController().signal, () => ++n <= MAX);
}

async function benchSymbols(root: string) {
  const ix = new SymbolIndex(root, log);
  const t = performance.now();
  await ix.ready(new AbortController().signal);
  const s = (performance.now() - t) / 1000;
  return `| symbols | ${root} | ${ix.files.size} files in ${s.toFixed(2)} s = ${(ix.files.size / s).toFixed(0)} files/s |`;
}

(async () => {
  const repo = resolve(__dirname, '../..');
  const gen = join(tmpdir(), `swarm-bench-gen-${GEN_MB}mb`);
  const rows = ['| corpus | measure | value |', '|---|---|---|'];
  if (!ONLY || ONLY === 'node_modules') rows.push(...(await benchCorpus('node_modules', join(repo, 'node_modules'))));
  if (!ONLY || ONLY === 'generated') {
    generate(gen, GEN_MB);
    rows.push(...(await benchCorpus(`generated ${GEN_MB} MB`, gen)));
  }
  if (!ONLY || ONLY === 'symbols') rows.push(await benchSymbols(repo));
  const method = [
    '',
    'Method. Each corpus is indexed once (build time = ripgrep file listing + reading + indexing). Every query asks for',
    `the first ${MAX} matching lines in path order (maxResults ${MAX}), as the swarm/search request does.`,
    `native / wasm: the warm in-process index (server/index/search.ts) on the node-gyp addon and on its WebAssembly`,
    `build (native/wasm, the same C++), 1 untimed warm-up then ${REPS} timed runs per query each.`,
    `ripgrep: the fallback path itself: one \`rg --sort path\` process per query (spawn + walk + search + parse),`,
    `killed once ${MAX + 1} lines are read; 1 untimed warm-up (page cache) then ${RG_REPS} timed runs per query.`,
    '--sort path makes rg single-threaded; "ripgrep unsorted" is one run per query without --sort (all threads),',
    "ripgrep's best case, for reference. p50/p99 are over all runs of the 20 queries. \"results ≠ ripgrep\" counts",
    'queries whose (path, line, column) list or truncation differs from ripgrep\'s.',
    'Index memory counts the file text, posting lists, hash table, file table and block filters (IndexStats.totalBytes).',
  ];
  process.stdout.write(`${rows.join('\n')}\n${method.join('\n')}\n`);
})();
