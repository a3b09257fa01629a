// Running a shell command in its own process group so the whole tree can be stopped (Windows:
// the user's shell, and `taskkill /T /F` for the tree; server/tools/shell.ts); inside the OS
// sandbox when the caller passes one (server/sandbox), always with a scrubbed environment.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { scrubEnv } from '../sandbox/env';
import { HeadTailBuffer } from './output';
import { shellFor, treeKillCommand, type ShellCommand } from './shell';

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
  /** How to start the process (e.g. Sandbox.wrap: bwrap ... -- argv); default: argv as is. */
  via?: (argv: string[]) => { file: string; args: string[]; env: NodeJS.ProcessEnv } | undefined;
  /** Environment when `via` gives none; default: the server's minus secret-looking variables. */
  env?: NodeJS.ProcessEnv;
  /** Windows: pass the arguments as they are (cmd's own quoting; set by execShell from shellFor). */
  verbatim?: boolean;
}

const CHILD_DEFAULTS = { PAGER: 'cat', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', TERM: 'dumb', NO_COLOR: '1' };

function groupAlive(pgid: number): boolean {
  try {
    process.kill(WIN ? pgid : -pgid, 0);
  } catch {
    return false;
  }
  return process.platform !== 'linux' || groupRunsOnLinux(pgid);
}

/**
 * Whether a member of the group still runs, zombies not counted: a sandbox's inner bwrap is
 * reparented when the outer one exits, and where PID 1 never reaps (containers) its zombie
 * would keep the group "alive" for ever.
 */
function groupRunsOnLinux(pgid: number): boolean {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return true;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
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

/** The setting that applies: the configured one, or SWARMCODE_SHELL when that is unset or `auto`. */
export function effectiveShell(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const c = configured?.trim();
  return c && c.toLowerCase() !== 'auto' ? c : env.SWARMCODE_SHELL?.trim() || c;
}

/** How this machine runs `command` under the setting (throws ShellError when that shell is missing). */
export function hostShell(command: string, configured: string | undefined): ShellCommand {
  return shellFor(command, effectiveShell(configured), { platform: process.platform, env: process.env, exists: fs.existsSync });
}

/** The kind of shell commands run through under the setting (undefined: the configured one is missing). */
export function hostShellKind(configured: string | undefined): ShellCommand['kind'] | undefined {
  try {
    return hostShell('', configured).kind;
  } catch {
    return undefined;
  }
}

/** The user's shell (`/bin/sh -c command`; on Windows PowerShell, cmd or Git Bash), detached into its own process group; stdout+stderr combined. */
export function execShell(command: string, opts: ExecOptions): Promise<ExecResult> {
  let sh: ShellCommand;
  try {
    sh = hostShell(command, opts.shell);
  } catch (err) {
    return Promise.reject(err);
  }
  return execArgv([sh.file, ...sh.args], { ...opts, verbatim: sh.verbatim });
}

/** `argv` (no shell), detached into its own process group; stdout+stderr combined. */
export function execArgv(argv: string[], opts: ExecOptions): Promise<ExecResult> {
  const grace = opts.killGraceMs ?? 2000;
  // Aborted before the start (e.g. while run_command took its journal snapshot): an abort
  // listener added now would never fire, and the command would run to its end.
  if (opts.signal.aborted) return Promise.reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }));
  const launch = opts.via?.(argv) ?? { file: argv[0], args: argv.slice(1), env: opts.env ?? { ...scrubEnv(process.env).env, ...CHILD_DEFAULTS } };
  return new Promise((resolve, reject) => {
    const buf = new HeadTailBuffer(opts.keepChars ?? 100_000);
    const child = spawn(launch.file, launch.args, {
      cwd: opts.cwd,
      detached: !WIN,
      windowsHide: true,
      windowsVerbatimArguments: opts.verbatim,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: launch.env,
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
    /** Processes of the group were still running after the command exited (and were killed). */
    let strayFound = false;
    child.on('exit', (code, sig) => {
      exit = { code, sig };
      if (closed && pgid !== undefined && !groupAlive(pgid)) return finish(false);
      // The shell is gone. Anything still in its group (background jobs holding the pipes,
      // or children that ignored SIGTERM) is stopped so no stray processes outlive the call.
      setTimeout(() => {
        if (settled || pgid === undefined) return;
        const stray = groupAlive(pgid);
        strayFound = stray;
        if (stray) killGroup(pgid, 'SIGKILL');
        // Give the pipes a moment to drain after the kill, then finish regardless.
        setTimeout(() => finish(stray && !timedOut && !aborted), stray ? 50 : 0);
      }, 100);
    });
    child.on('close', () => {
      closed = true;
      if (exit && pgid !== undefined && !groupAlive(pgid)) finish(strayFound && !timedOut && !aborted);
    });
  });
}
