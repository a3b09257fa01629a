// Which shell runs a command line, and how its whole process tree is stopped, per platform.
// POSIX: `/bin/sh -c`, in its own process group (killed with a signal to the group).
// Windows: the user's shell — PowerShell by default (`pwsh` when installed, else Windows
// PowerShell), `cmd` (%ComSpec%), or Git Bash when configured — and `taskkill /T /F`, which
// ends the process and every descendant (Windows has no process groups a signal reaches).
import * as path from 'node:path';

/** `auto`, `sh`, `powershell`, `pwsh`, `cmd`, `gitbash`, or a path to a shell executable. */
export type ShellSetting = string | undefined;

export interface ShellCommand {
  file: string;
  args: string[];
  /** Short name, for the tool description and logs. */
  kind: 'sh' | 'powershell' | 'cmd' | 'bash';
  /** Node's `windowsVerbatimArguments`: cmd parses its own command line. */
  verbatim?: boolean;
}

export interface ShellEnv {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Whether an executable exists (tests pass their own). */
  exists(file: string): boolean;
}

export class ShellError extends Error {
  override name = 'ShellError';
}

function onPath(name: string, e: ShellEnv): string | undefined {
  const p = e.platform === 'win32' ? path.win32 : path.posix;
  const dirs = (e.env.PATH ?? e.env.Path ?? '').split(e.platform === 'win32' ? ';' : ':').filter(Boolean);
  for (const d of dirs) {
    const f = p.join(d, name);
    if (e.exists(f)) return f;
  }
  return undefined;
}

/** Git for Windows' bash: on PATH (…\Git\bin\bash.exe, not WSL's System32\bash.exe) or its usual places. */
function gitBash(e: ShellEnv): string | undefined {
  const fromPath = onPath('bash.exe', e);
  if (fromPath && !/\\system32\\/i.test(fromPath)) return fromPath;
  const roots = [e.env.ProgramFiles, e.env['ProgramFiles(x86)'], e.env.LOCALAPPDATA && path.win32.join(e.env.LOCALAPPDATA, 'Programs')].filter((r): r is string => !!r);
  for (const r of roots) {
    const f = path.win32.join(r, 'Git', 'bin', 'bash.exe');
    if (e.exists(f)) return f;
  }
  return undefined;
}

function powershell(command: string, file: string): ShellCommand {
  return { file, args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', command], kind: 'powershell' };
}

function cmd(command: string, e: ShellEnv): ShellCommand {
  // /d: no AutoRun; /s /c "…": cmd strips the outer quotes and runs the rest unchanged.
  return { file: e.env.ComSpec || 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`], kind: 'cmd', verbatim: true };
}

/** The shell invocation for `command` under the setting (default `auto`). */
export function shellFor(command: string, setting: ShellSetting, e: ShellEnv): ShellCommand {
  const s = (setting ?? 'auto').trim() || 'auto';
  const lower = s.toLowerCase();
  if (lower === 'sh' || (lower === 'auto' && e.platform !== 'win32')) return { file: '/bin/sh', args: ['-c', command], kind: 'sh' };
  if (lower === 'cmd') return cmd(command, e);
  if (lower === 'gitbash' || lower === 'git-bash' || lower === 'bash') {
    const bash = e.platform === 'win32' ? gitBash(e) : onPath('bash', e);
    if (!bash) throw new ShellError('The configured shell is Git Bash, but bash.exe was not found (install Git for Windows, or set swarmcode.shell to its path).');
    return { file: bash, args: ['-c', command], kind: 'bash' };
  }
  if (lower === 'powershell' || lower === 'pwsh' || lower === 'auto') {
    const pwsh = (lower !== 'powershell' && onPath(e.platform === 'win32' ? 'pwsh.exe' : 'pwsh', e)) || (e.platform === 'win32' ? onPath('powershell.exe', e) : undefined);
    if (pwsh) return powershell(command, pwsh);
    const builtin = e.env.SystemRoot && path.win32.join(e.env.SystemRoot, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
    if (builtin && e.exists(builtin)) return powershell(command, builtin);
    if (lower === 'auto') return cmd(command, e);
    throw new ShellError(`The configured shell ${s} was not found on PATH.`);
  }
  // A path to a shell: PowerShell, cmd and bash-likes by their name, anything else gets -c.
  const p = e.platform === 'win32' ? path.win32 : path.posix;
  if (!p.isAbsolute(s)) throw new ShellError(`The configured shell ${s} is neither auto, sh, powershell, pwsh, cmd nor gitbash, and not an absolute path.`);
  if (!e.exists(s)) throw new ShellError(`The configured shell ${s} does not exist.`);
  const base = path.win32.basename(s).toLowerCase().replace(/\.exe$/, '');
  if (base === 'pwsh' || base === 'powershell') return powershell(command, s);
  if (base === 'cmd') return { ...cmd(command, e), file: s };
  return { file: s, args: ['-c', command], kind: base === 'bash' ? 'bash' : 'sh' };
}

/** The command that ends `pid` and all its descendants on Windows (undefined elsewhere: use the group). */
export function treeKillCommand(platform: NodeJS.Platform, pid: number, env: NodeJS.ProcessEnv = process.env): { file: string; args: string[] } | undefined {
  if (platform !== 'win32') return undefined;
  if (!Number.isInteger(pid) || pid <= 0) throw new ShellError(`invalid pid ${pid}`);
  const taskkill = env.SystemRoot ? path.win32.join(env.SystemRoot, 'System32', 'taskkill.exe') : 'taskkill.exe';
  return { file: taskkill, args: ['/pid', String(pid), '/T', '/F'] };
}
