// bench/symbols: the symbol index over this repository on each tree-sitter engine — the native
// binding (baseline) and the WebAssembly fallback (web-tree-sitter + the grammars' own .wasm).
// Each engine runs in its own process (cold: engine and grammar loading included), 3 rounds;
// the median is printed next to the native baseline of the same run.
//   npm run bench -- symbols
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createLogger } from '../../server/log';
import { SymbolIndex } from '../../server/index/symbols';
import { fmt, percentile, printTable } from '../table';

const ROUNDS = 3;
const repo = resolve(__dirname, '../..');

async function child(): Promise<void> {
  const ix = new SymbolIndex(repo, createLogger(() => 'error', () => {}));
  const t = performance.now();
  await ix.ready(new AbortController().signal);
  const ms = performance.now() - t;
  const tags = [...ix.files.values()].reduce((n, f) => n + f.length, 0);
  process.stdout.write(JSON.stringify({ ms, files: ix.files.size, tags, engine: await ix.engine(), rss: process.memoryUsage().rss }));
}

function measure(engine: string) {
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child'], { encoding: 'utf8', env: { ...process.env, SWARMCODE_SYMBOLS_ENGINE: engine } });
    if (r.status !== 0) throw new Error(`${engine}: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout) as { ms: number; files: number; tags: number; engine: string; rss: number });
  }
  return { ...runs[0]!, ms: percentile(runs.map((r) => r.ms), 50), rss: percentile(runs.map((r) => r.rss), 50) };
}

if (process.argv.includes('--child')) {
  void child();
} else {
  const native = measure('native');
  const wasm = measure('wasm');
  const row = (name: string, m: typeof native) => [name, m.engine, m.files, m.tags, fmt(m.ms / 1000, 2), fmt(m.files / (m.ms / 1000), 0), fmt(m.ms / native.ms, 2), fmt(m.rss / 1048576, 0)];
  printTable(`symbol index over ${repo} (median of ${ROUNDS} cold processes)`, [
    ['engine', 'reported', 'files', 'tags', 's', 'files/s', '× native', 'RSS MiB'],
    row('native (baseline)', native),
    row('wasm', wasm),
  ]);
  if (wasm.tags !== native.tags) process.stdout.write(`\nthe engines disagree: ${native.tags} tags native, ${wasm.tags} wasm\n`);
}
