// Cost of multi-root paths.   npx tsx bench/multiroot/index.ts
// The same files (BENCH_FILES per folder, ~5 KB each) in one root, and split over two roots:
// resolve, readText, writeText through the edit engine, and a whole-workspace grep (ripgrep over
// the folder of links) — the single-root workspace is the baseline, measured in the same run.
// Env: BENCH_OPS=400 BENCH_FILES=200
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createWorkspace } from '../../server/workspace/workspace';
import { EditorDocuments } from '../../server/workspace/documents';
import type { Workspace } from '../../server/workspace/types';
import { RG_COMMON, rgTargets, runRipgrep } from '../../server/index/rg';
import { fmt, percentile, printTable } from '../table';

const OPS = Number(process.env.BENCH_OPS ?? 400);
const FILES = Number(process.env.BENCH_FILES ?? 200);
const CONTENT = 'export const value = 1; // needle\n'.repeat(150);

async function measure(fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < OPS; i++) {
    const t = performance.now();
    await fn(i);
    lat.push(performance.now() - t);
  }
  return lat;
}

async function grepAll(ws: Workspace): Promise<number> {
  let n = 0;
  await runRipgrep(['--count-matches', ...RG_COMMON, '--fixed-strings', '--regexp', 'needle', '--', ...rgTargets(ws, '.')], ws.root, new AbortController().signal, () => void n++);
  return n;
}

async function main(): Promise<void> {
  const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'bench-multiroot-')));
  process.env.SWARMCODE_ROOTS_DIR = path.join(base, 'farms');
  try {
    for (const d of ['single', 'a', 'b']) await fs.mkdir(path.join(base, d, 'src'), { recursive: true });
    for (let i = 0; i < FILES * 2; i++) await fs.writeFile(path.join(base, 'single', 'src', `f${i}.ts`), CONTENT);
    for (let i = 0; i < FILES; i++) {
      await fs.writeFile(path.join(base, 'a', 'src', `f${i}.ts`), CONTENT);
      await fs.writeFile(path.join(base, 'b', 'src', `f${i}.ts`), CONTENT);
    }
    const one = await createWorkspace(path.join(base, 'single'), new EditorDocuments(), { ephemeral: true });
    const two = await createWorkspace([{ path: path.join(base, 'a') }, { path: path.join(base, 'b') }], new EditorDocuments(), { ephemeral: true });
    const p1 = (i: number) => `src/f${i % (FILES * 2)}.ts`;
    const p2 = (i: number) => `${i % 2 ? 'b' : 'a'}/src/f${Math.floor(i / 2) % FILES}.ts`;
    const rows: (string | number)[][] = [['operation', 'one root p50 ms', 'two roots p50 ms', 'one root p95 ms', 'two roots p95 ms']];
    const row = (name: string, x: number[], y: number[]) => rows.push([name, fmt(percentile(x, 50), 3), fmt(percentile(y, 50), 3), fmt(percentile(x, 95), 3), fmt(percentile(y, 95), 3)]);
    row('resolve', await measure((i) => one.resolve(p1(i))), await measure((i) => two.resolve(p2(i))));
    row('readText', await measure((i) => one.readText(p1(i))), await measure((i) => two.readText(p2(i))));
    row('writeText', await measure((i) => one.writeText(p1(i), `${CONTENT}// ${i}\n`)), await measure((i) => two.writeText(p2(i), `${CONTENT}// ${i}\n`)));
    const g1: number[] = [];
    const g2: number[] = [];
    let files = [0, 0];
    for (let i = 0; i < 20; i++) {
      let t = performance.now();
      files[0] = await grepAll(one);
      g1.push(performance.now() - t);
      t = performance.now();
      files[1] = await grepAll(two);
      g2.push(performance.now() - t);
    }
    row(`grep whole workspace (${files[0]} / ${files[1]} files)`, g1, g2);
    printTable(`Multi-root overhead: ${FILES * 2} files, ${OPS} ops each (grep: 20 runs)`, rows);
  } finally {
    await fs.rm(base, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
