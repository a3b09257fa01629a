// Test harness: the real server bundle (dist/server.js --stdio) as a child process, driven over JSON-RPC.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { realpathSync } from 'node:fs';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { startServer, type ServerHandle } from '../../cli/client';
import { EventNotification, RunRequest, type RunParams, type RunResult, type ServerSettings, type SwarmEvent } from '../../server/protocol';

export const ROOT = resolve(__dirname, '../..');
// Checkpoint journals of test runs go to a temp folder, not the user's state directory.
process.env.SWARMCODE_JOURNAL_DIR ??= mkdtempSync(join(tmpdir(), 'swarmcode-journals-'));
let built = false;

/** Builds dist/ once per test process (esbuild, ~1 s). */
export function ensureBuilt(): void {
  if (built || process.env.SWARMCODE_SKIP_BUILD) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  built = true;
}

export interface TempDir {
  path: string;
  cleanup(): void;
}

export function tempDir(prefix = 'swarmcode-test-'): TempDir {
  const path = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestServer extends ServerHandle {
  /** Events received so far, per run. */
  events: Map<string, SwarmEvent[]>;
  run(params: Omit<RunParams, 'runId'> & { runId?: string }, cts?: CancellationTokenSource): Promise<RunResult>;
}

let counter = 0;

/** `env`: the server process's environment (default: this process's), e.g. a temp HOME. */
export async function startTestServer(workspace: string | string[], settings: Partial<ServerSettings>, env?: NodeJS.ProcessEnv): Promise<TestServer> {
  ensureBuilt();
  const handle = await startServer(workspace, { apiKey: 'test-key', logLevel: 'warn', ...settings }, { serverPath: join(ROOT, 'dist/server.js'), ...(env ? { env } : {}) });
  const events = new Map<string, SwarmEvent[]>();
  handle.connection.onNotification(EventNotification, ({ runId, event }) => {
    if (!events.has(runId)) events.set(runId, []);
    events.get(runId)!.push(event);
  });
  return Object.assign(handle, {
    events,
    run(params: Omit<RunParams, 'runId'> & { runId?: string }, cts?: CancellationTokenSource) {
      const runId = params.runId ?? `run-${++counter}`;
      return handle.connection.sendRequest(RunRequest, { ...params, runId }, (cts ?? new CancellationTokenSource()).token);
    },
  });
}

/**
 * Gives the enclosing describe block its own SWARMCODE_JOURNAL_DIR (inherited by the servers it
 * spawns), created before its tests and removed after them; the earlier value is put back.
 */
export function usePrivateJournalDir(prefix = 'swarm-journals-'): void {
  const saved = process.env.SWARMCODE_JOURNAL_DIR;
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    process.env.SWARMCODE_JOURNAL_DIR = dir;
  });
  after(() => {
    if (saved === undefined) delete process.env.SWARMCODE_JOURNAL_DIR;
    else process.env.SWARMCODE_JOURNAL_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls `get` every 100 ms until `ok` holds for its value, which it returns; fails after `timeoutMs` naming `what` and the last value. */
export async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting until ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `p`, or a rejection naming `what` after `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}
