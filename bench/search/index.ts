// Search benchmark (not a test): native trigram index vs ripgrep on the same queries.
//   npx tsx bench/search/index.ts [--gen-mb 128] [--reps 5]
// Corpora: this project's node_modules, and a generated repository under /tmp.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLogger } from '../../server/log';
import { createSearch } from '../../server/index/search';
import { SymbolIndex } from '../../server/index/symbols';
import type { SearchQuery } from '../../server/index/types';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const GEN_MB = arg('gen-mb', 128);
const REPS = arg('reps', 5);
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
  const native = createSearch({ root }, log);
  const t0 = performance.now();
  const ok = await native.ready();
  const buildMs = performance.now() - t0;
  const rg = createSearch({ root }, log, { disableNative: true });
  const st = native.stats();
  const rows: string[] = [];
  const text = st.index?.contentBytes ?? 0;
  const mem = st.index?.totalBytes ?? 0;
  rows.push(`| ${label} | files indexed | ${st.build?.indexed ?? 0} (of ${st.build?.files ?? 0}; ${st.build?.binary ?? 0} binary skipped, ${st.build?.overflow ?? 0} from disk) |`);
  rows.push(`| ${label} | corpus text | ${(text / 1048576).toFixed(1)} MiB |`);
  rows.push(`| ${label} | index build | ${(buildMs / 1000).toFixed(2)} s, ${((text / 1048576) / (buildMs / 1000)).toFixed(1)} MB/s |`);
  rows.push(`| ${label} | index memory | ${(mem / 1048576).toFixed(1)} MiB = ${(mem / Math.max(1, text)).toFixed(2)}× text (postings ${((st.index?.postingBytes ?? 0) / 1048576).toFixed(1)} MiB, table ${((st.index?.tableBytes ?? 0) / 1048576).toFixed(1)} MiB) |`);
  if (!ok) rows.push(`| ${label} | native | unavailable |`);
  for (const [kind, qs] of [['literal', LITERALS], ['regex', REGEXES]] as const) {
    const nat: number[] = [];
    const rgt: number[] = [];
    let engines = new Set<string>();
    for (const q of qs) {
      const query: SearchQuery = { query: q, regex: kind === 'regex', maxResults: MAX };
      await native.search(query, signal); // warm
      for (let r = 0; r < REPS; r++) {
        const t = performance.now();
        const res = await native.search(query, signal);
        nat.push(performance.now() - t);
        engines.add(res.engine);
      }
      const t = performance.now();
      await rg.search(query, signal);
      rgt.push(performance.now() - t);
    }
    const p50n = pct(nat, 50), p99n = pct(nat, 99), p50r = pct(rgt, 50), p99r = pct(rgt, 99);
    rows.push(`| ${label} | ${kind} ×20 warm p50 / p99 | native ${p50n.toFixed(2)} / ${p99n.toFixed(2)} ms; ripgrep ${p50r.toFixed(1)} / ${p99r.toFixed(1)} ms; p50 speed-up ${(p50r / p50n).toFixed(1)}× (engines: ${[...engines].join('+')}) |`);
  }
  native.dispose();
  rg.dispose();
  return rows;
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
  generate(gen, GEN_MB);
  const rows = ['| corpus | measure | value |', '|---|---|---|'];
  rows.push(...(await benchCorpus('node_modules', join(repo, 'node_modules'))));
  rows.push(...(await benchCorpus(`generated ${GEN_MB} MB`, gen)));
  rows.push(await benchSymbols(repo));
  process.stdout.write(`${rows.join('\n')}\n\nmaxResults ${MAX}, ${REPS} native repetitions per query, 1 ripgrep run per query (rg spawned per query, killed at ${MAX} results, as the fallback does).\n`);
})();
