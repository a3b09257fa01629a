// The CLI's own cost around a one-shot run: `swarmcode run` against the model simulator (one
// echo turn), as a whole process tree, next to the run's own wallMs (from `--json`'s
// run_finished) and a bare `node -e 0` measured in the same run.
//   npx tsx bench/cli/index.ts
//   BENCH_RUNS=N (default 7); BENCH_CLI_BEFORE=DIR[,DIR…] adds rows for other builds' cli.js/server.js
//   (e.g. `git worktree add /tmp/before main`, node_modules and native/build linked in, `node
//   scripts/build.mjs` there, then BENCH_CLI_BEFORE=/tmp/before/dist: the other build's dist/ as
//   it is, its cli-*.js command bundles and its engines' relative paths included).
// Process time is user + system CPU of every Node process of the run (the CLI and the server it
// starts), each reporting its own process.cpuUsage() at exit through a preloaded hook; wall is
// what a user waits for the prompt to come back.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSimulator } from '../../test/support/simulator';
import { ensureBuilt, ROOT, tempDir } from '../../test/support/server';
import { fmt, percentile, printTable } from '../table';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

interface Sample {
  wall: number;
  cpu: number;
  processes: number;
  runMs?: number;
}

const scratch = tempDir('bench-cli-');
const hook = join(scratch.path, 'cpu.cjs');
writeFileSync(hook, "process.on('exit', () => { const u = process.cpuUsage(); require('fs').appendFileSync(process.env.BENCH_CPU_FILE, (u.user + u.system) / 1000 + '\\n'); });\n");

async function timed(args: string[], cwd: string, processes: number): Promise<Sample> {
  const cpuFile = join(scratch.path, `cpu-${Math.random().toString(36).slice(2)}`);
  writeFileSync(cpuFile, '');
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `--require ${hook}`, BENCH_CPU_FILE: cpuFile } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const status = await new Promise<number | null>((r) => child.on('exit', r));
  const wall = performance.now() - t0;
  if (status !== 0 && args.includes('run') && !args.includes('--help')) throw new Error(`${args.join(' ')} exited ${status}: ${stderr.slice(-1000)}`);
  // A server the CLI no longer waits for reports when it exits on its own.
  const lines = () => readFileSync(cpuFile, 'utf8').trim().split('\n').filter(Boolean).map(Number);
  for (let i = 0; i < 100 && lines().length < processes; i++) await new Promise((r) => setTimeout(r, 50));
  let runMs: number | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const ev = JSON.parse(line) as { type?: string; summary?: { wallMs?: number } };
    if (ev.type === 'run_finished') runMs = ev.summary?.wallMs;
  }
  return { wall, cpu: lines().reduce((a, b) => a + b, 0), processes: lines().length, runMs };
}

async function main(): Promise<void> {
  ensureBuilt();
  process.env.SWARMCODE_JOURNAL_DIR ??= tempDir('bench-cli-journals-').path;
  const sim = await startSimulator({});
  const ws = tempDir('bench-cli-ws-');
  try {
    const rows: (string | number)[][] = [['process', 'wall p50 ms', 'process time p50 ms', 'run wallMs p50', 'process time − run p50 ms']];
    const run = (cli: string) => [cli, 'run', '--json', '--base-url', sim.url, '--model', 'sim', '--workspace', ws.path, 'say hi'];
    // Several builds: BENCH_CLI_BEFORE=DIR1,DIR2 (each row named by its folder).
    const befores = (process.env.BENCH_CLI_BEFORE ?? '').split(',').filter(Boolean).map((d) => resolve(d));
    const cases: [string, string[], number][] = [['node -e 0 (baseline)', ['-e', '0'], 1]];
    for (const before of befores) {
      if (!existsSync(join(before, 'cli.js'))) throw new Error(`BENCH_CLI_BEFORE: no cli.js in ${before}`);
      const name = befores.length > 1 ? `before (${before})` : 'before';
      cases.push([`${name}: swarmcode --help`, [join(before, 'cli.js'), '--help'], 1]);
      cases.push([`${name}: swarmcode run (one turn)`, run(join(before, 'cli.js')), 2]);
    }
    const cli = join(ROOT, 'dist', 'cli.js');
    cases.push(['swarmcode --version', [cli, '--version'], 1], ['swarmcode run --help', [cli, 'run', '--help'], 1], ['swarmcode run (one turn)', run(cli), 2]);
    for (const [, args, processes] of cases) await timed(args, ws.path, processes); // warm the file cache
    // Round by round (every case once per round), so that a change in the machine's load while
    // the bench runs weighs on every row alike instead of on the rows measured last.
    const samples: Sample[][] = cases.map(() => []);
    for (let i = 0; i < RUNS; i++) for (const [k, [, args, processes]] of cases.entries()) samples[k]!.push(await timed(args, ws.path, processes));
    for (const [k, [label]] of cases.entries()) {
      const s = samples[k]!;
      const withRun = s.filter((x) => x.runMs !== undefined);
      const p50 = (xs: number[]) => (xs.length ? fmt(percentile(xs, 50), 0) : '–');
      rows.push([label, p50(s.map((x) => x.wall)), p50(s.map((x) => x.cpu)), p50(withRun.map((x) => x.runMs!)), p50(withRun.map((x) => x.cpu - x.runMs!))]);
    }
    printTable(`CLI start-up and shutdown (${RUNS} runs each, Node ${process.versions.node}, load average ${(await import('node:os')).loadavg()[0].toFixed(1)})`, rows);
  } finally {
    await sim.close();
    ws.cleanup();
    scratch.cleanup();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
