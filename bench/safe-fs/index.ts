// Cost of race-free file access.   npx tsx bench/safe-fs/index.ts
// writeInside / readAt (folder walked with O_NOFOLLOW, file named through /proc/self/fd, re-check
// before the rename) against the previous path-based temp + rename and stat + readFile, measured
// in the same run on the same files, at folder depth 1 and 8. Env: BENCH_OPS=400
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { readAt, writeInside } from '../../server/workspace/safe-fs';
import { fmt, percentile, printTable } from '../table';

const OPS = Number(process.env.BENCH_OPS ?? 400);
const CONTENT = Buffer.from('export const value = 1;\n'.repeat(200)); // ~5 KB, a typical source file

/** The writer before this change: stat, mkdir -p, temp file, rename, all by path. */
async function pathWrite(abs: string, bytes: Uint8Array): Promise<void> {
  const st = await fs.stat(abs).catch(() => undefined);
  await fs.mkdir(path.dirname(abs), { recursive: true });
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.swarmcode-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(tmp, bytes, { mode: st ? st.mode & 0o7777 : 0o666 });
  await fs.rename(tmp, abs);
}

async function pathRead(abs: string): Promise<Buffer> {
  await fs.stat(abs);
  return fs.readFile(abs);
}

async function measure(fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < OPS; i++) {
    const t = performance.now();
    await fn(i);
    lat.push(performance.now() - t);
  }
  return lat;
}

async function main(): Promise<void> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-bench-safefs-')));
  const rows: string[][] = [['operation', 'depth', 'previous (by path) p50', 'safe p50', 'previous p99', 'safe p99', 'safe / previous (p50)']];
  try {
    for (const depth of [1, 8]) {
      const dir = path.join(root, ...Array.from({ length: depth - 1 }, (_, i) => `d${i}`));
      await fs.mkdir(dir, { recursive: true });
      const file = (i: number) => path.join(dir, `f${i % 16}.ts`);
      // Interleaved rounds so both see the same cache and machine load.
      const prevW = await measure((i) => pathWrite(file(i), CONTENT));
      const safeW = await measure((i) => writeInside(root, file(i), 'bench', CONTENT));
      const prevR = await measure((i) => pathRead(file(i)));
      const safeR = await measure((i) => readAt(root, file(i), 'bench'));
      for (const [op, a, b] of [['write (temp + rename)', prevW, safeW], ['read', prevR, safeR]] as const) {
        const pa = percentile(a, 50);
        const pb = percentile(b, 50);
        rows.push([op, String(depth), `${fmt(pa, 3)} ms`, `${fmt(pb, 3)} ms`, `${fmt(percentile(a, 99), 3)} ms`, `${fmt(percentile(b, 99), 3)} ms`, `${fmt(pb / pa, 2)}x`]);
      }
    }
    printTable(`Race-free file access vs the previous path-based code (${OPS} ops each, 5 KB files)`, rows);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
