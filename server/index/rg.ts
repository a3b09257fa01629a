// Spawning ripgrep (the binary shipped in @vscode/ripgrep) with an args array, never a shell.
import { spawn } from 'node:child_process';
import { scrubEnv } from '../sandbox/env';
import { rgPath } from '@vscode/ripgrep';
import { abortError } from '../workspace/files';

/** The file set every search shares: dotfiles included, .git skipped, .gitignore honoured even outside a git repo. */
export const RG_FILTERS = ['--hidden', '--glob', '!.git/', '--no-require-git', '--no-config'];
/** RG_FILTERS in a stable (path) order, as the tools print results. */
export const RG_COMMON = [...RG_FILTERS, '--sort', 'path'];

export interface RgResult {
  code: number | null;
  stderr: string;
  /** True when `onLine` asked to stop early and ripgrep was killed. */
  stopped: boolean;
}

/**
 * Runs ripgrep in `cwd`, calling `onLine` for each stdout record (`sep`-terminated: a line by
 * default, NUL with `--null-data`/`-0`), without its terminator. `onLine` may return false to stop
 * early. Rejects with an AbortError when `signal` fires.
 */
export function runRipgrep(
  args: string[],
  cwd: string,
  signal: AbortSignal,
  onLine: (line: string) => boolean | void,
  sep = '\n',
): Promise<RgResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const child = spawn(rgPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: scrubEnv(process.env).env });
    let stderr = '';
    let stopped = false;
    let pending = '';
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stopped) return;
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf(sep)) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (onLine(line) === false) {
          stopped = true;
          child.kill('SIGKILL');
          return;
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      if (stderr.length < 8192) stderr += c;
    });
    child.on('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(abortError());
      if (!stopped && pending) onLine(pending);
      resolve({ code, stderr: stderr.trim(), stopped });
    });
  });
}

/**
 * What ripgrep is pointed at for a workspace-relative `shown` path: the path itself, or for the
 * whole of a multi-root workspace its folders (links ripgrep follows when named, not when walked).
 */
export function rgTargets(ws: { folders?: readonly string[] }, shown: string): string[] {
  return shown === '.' && ws.folders?.length ? [...ws.folders] : [shown];
}

/** Workspace-relative form of a path ripgrep printed (it was run in the root). */
export function rgRelative(p: string): string {
  return p.startsWith('./') ? p.slice(2) : p;
}
