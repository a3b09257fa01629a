// The real CLI bundle (dist/cli.js) as a user runs it: its exit code, stdout and stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SwarmEvent } from '../../server/protocol';
import { ROOT } from './server';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli.js ...args` to its exit. Its environment: this process's PATH, HOME and
 * SWARMCODE_JOURNAL_DIR, then `env` (nothing else: no provider key unless `env` has one).
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, onSpawn?: (child: ChildProcess) => void): Promise<CliRun> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SWARMCODE_JOURNAL_DIR: process.env.SWARMCODE_JOURNAL_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  onSpawn?.(child);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The events of `--json` output, one JSON object a line. */
export const jsonLines = (stdout: string): SwarmEvent[] => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SwarmEvent);
