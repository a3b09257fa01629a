// Running a shell command in its own process group so the whole tree can be stopped (Windows:
// the user's shell, and `taskkill /T /F` for the tree; server/tools/shell.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { HeadTailBuffer } from './output';
import { shellFor, treeKillCommand } from './shell';

const WIN = process.platform === 'win32';

export interface ExecResult {
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** Processes the command left running in its group, stopped after it exited. */
  strayKilled: boolean;
}

export interface ExecOptions {
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Characters kept from each end of the combined output. */
  keepChars?: number;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Shell setting (server/tools/shell.ts); default SWARMCODE_SHELL, else auto. */
  shell?: string;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(WIN ? pgid : -pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  const tree = treeKillCommand(process.platform, pgid);
  if (tree) {
    spawn(tree.file, tree.args, { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pgid, sig);
  } catch {
    /* already gone */
  }
}

/** `/bin/sh -c command`, detached into its own process group; stdout+stderr combined. */
export function execShell(command: string, opts: ExecOptions): Promise<ExecResult> {
  const grace = opts.killGraceMs ?? 2000;
  return new Promise((resolve, reject) => {
    const buf = new HeadTailBuffer(opts.keepChars ?? 100_000);
    const sh = shellFor(command, opts.shell ?? process.env.SWARMCODE_SHELL, { platform: process.platform, env: process.env, exists: existsSync });
    const child = spawn(sh.file, sh.args, {
      cwd: opts.cwd,
      detached: !WIN,
      windowsHide: true,
      windowsVerbatimArguments: sh.verbatim,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', TERM: 'dumb', NO_COLOR: '1' },
    });
    const pgid = child.pid;
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (pgid === undefined || killTimer) return;
      killGroup(pgid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pgid, 'SIGKILL'), grace);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    for (const s of [child.stdout, child.stderr]) {
      s.setEncoding('utf8');
      s.on('data', (c: string) => buf.push(c));
    }
    let exit: { code: number | null; sig: NodeJS.Signals | null } | undefined;
    let settled = false;
    const finish = (strayKilled: boolean) => {
      if (settled || !exit) return;
      settled = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      if (aborted) {
        // Make sure nothing of the tree survives a cancelled run.
        if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
        if (killTimer) clearTimeout(killTimer);
        const err = new Error('The operation was aborted');
        err.name = 'AbortError';
        return reject(err);
      }
      if (killTimer && !(pgid !== undefined && groupAlive(pgid))) clearTimeout(killTimer);
      resolve({ output: buf.toString(), exitCode: exit.code, signal: exit.sig, timedOut, aborted, strayKilled });
    };
    child.on('error', (err) => {
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    let closed = false;
    child.on('exit', (code, sig) => {
      exit = { code, sig };
      if (closed && pgid !== undefined && !groupAlive(pgid)) return finish(false);
      // The shell is gone. Anything still in its group (background jobs holding the pipes,
      // or children that ignored SIGTERM) is stopped so no stray processes outlive the call.
      setTimeout(() => {
        if (settled || pgid === undefined) return;
        const stray = groupAlive(pgid);
        if (stray) killGroup(pgid, 'SIGKILL');
        // Give the pipes a moment to drain after the kill, then finish regardless.
        setTimeout(() => finish(stray && !timedOut && !aborted), stray ? 50 : 0);
      }, 100);
    });
    child.on('close', () => {
      closed = true;
      if (exit && pgid !== undefined && !groupAlive(pgid)) finish(false);
    });
  });
}
