// Cost of containment per command.   npx tsx bench/sandbox/index.ts
// The same commands through execShell unsandboxed (the baseline) and inside bubblewrap (network
// off; and with the allowed-hosts proxy bridge, which starts a Node process in the sandbox), plus
// the git tool's status on a small repository. Env: BENCH_RUNS=30
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Sandbox, type SandboxSettings } from '../../server/sandbox';
import { execShell } from '../../server/tools/process';
import { fmt, percentile, printTable } from '../table';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const never = new AbortController().signal;

async function measure(command: string, cwd: string, settings: SandboxSettings | undefined): Promise<number[]> {
  const sandbox = settings ? new Sandbox(() => settings) : undefined;
  const via = sandbox ? (argv: string[]) => sandbox.wrap(argv, cwd) : undefined;
  const times: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const t = performance.now();
    const r = await execShell(command, { cwd, timeoutMs: 30_000, signal: never, via });
    if (r.exitCode !== 0) throw new Error(`${command} failed: ${r.output}`);
    if (i >= 2) times.push(performance.now() - t); // two warm-up runs
  }
  sandbox?.dispose();
  return times;
}

async function main(): Promise<void> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sandbox-')));
  try {
    fs.writeFileSync(path.join(dir, 'a.txt'), 'x\n');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const rows: (string | number)[][] = [['command', 'mode', 'p50 ms', 'p95 ms', 'overhead p50 ms']];
    for (const command of ['true', 'cat a.txt', 'git status --short', 'node -e 0']) {
      const base = await measure(command, dir, undefined);
      const boxed = await measure(command, dir, {});
      const proxied = await measure(command, dir, { allowedHosts: ['registry.npmjs.org'] });
      const p50 = percentile(base, 50);
      rows.push([command, 'no sandbox (baseline)', fmt(p50), fmt(percentile(base, 95)), '–']);
      rows.push(['', 'bubblewrap, no network', fmt(percentile(boxed, 50)), fmt(percentile(boxed, 95)), fmt(percentile(boxed, 50) - p50)]);
      rows.push(['', 'bubblewrap + allowed-hosts bridge', fmt(percentile(proxied, 50)), fmt(percentile(proxied, 95)), fmt(percentile(proxied, 50) - p50)]);
    }
    printTable(`Per-command wall time, ${RUNS} runs each (${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ''})`, rows);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
