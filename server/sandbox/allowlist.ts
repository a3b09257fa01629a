// Whether a command may run without asking: it starts with an allowlisted prefix, chains nothing,
// and names no path outside the workspace and no option that writes files or runs programs.
// The sandbox contains what such a command does anyway; this keeps "runs without asking" to what
// the user meant by the allowlist (`cat` of workspace files, not `cat /etc/…` or `git diff --output=…`).
import * as fs from 'node:fs';
import * as path from 'node:path';

export type AllowCheck = { ok: true } | { ok: false; reason: string };

/** Shell syntax that chains, substitutes, redirects or expands beyond one plain command. */
const SHELL_SYNTAX = /[;&|`$<>\\(){}\n\r]/;

/** git options that write files, run programs or point git at another repository. */
const GIT_RISKY = new Set(['--output', '-o', '--no-index', '--ext-diff', '--textconv', '-c', '-C', '--exec-path', '--git-dir', '--work-tree', '--open-files-in-pager', '-O', '--config-env', '--upload-pack', '--receive-pack']);
/** Package-manager / runner options that load configuration or code from elsewhere. */
const GENERIC_RISKY = new Set(['--node-options', '--script-shell', '--userconfig', '--globalconfig', '--prefix', '--rootdir', '--confcutdir', '--config', '--manifest-path']);

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** True when `word`, taken as a path from `root`, leaves `root` (lexically or through a symlink). */
function leaves(root: string, word: string): boolean {
  if (word === '') return false;
  const abs = path.resolve(root, word);
  if (!isInside(root, abs)) return true;
  return !isInside(realOrSelf(root), realOrSelf(abs));
}

export function checkAllowlist(command: string, allowlist: string[], root: string): AllowCheck {
  const cmd = command.trim();
  const prefix = allowlist.find((p) => cmd === p || cmd.startsWith(p + ' '));
  if (!prefix) return { ok: false, reason: 'the command is not in the allowlist' };
  if (SHELL_SYNTAX.test(cmd)) return { ok: false, reason: 'the command uses shell syntax (chaining, substitution, or redirection), so it is more than the allowlisted command' };
  // Quotes only group words here (no $, \ or globbing inside survive the check above).
  const words = cmd.split(/\s+/).map((w) => w.replace(/["']/g, ''));
  const isGit = words[0] === 'git';
  for (const w of words.slice(prefix.split(/\s+/).length)) {
    const eq = w.indexOf('=');
    const name = w.startsWith('-') ? (eq > 0 ? w.slice(0, eq) : w) : undefined;
    if (name && (GENERIC_RISKY.has(name) || (isGit && (GIT_RISKY.has(name))))) {
      return { ok: false, reason: `the option ${name} writes files, runs programs or reads configuration from elsewhere` };
    }
    const value = name ? (eq > 0 ? w.slice(eq + 1) : '') : w;
    if (value.startsWith('~')) return { ok: false, reason: `it names a path in the home folder (${value})` };
    if (leaves(root, value)) return { ok: false, reason: `it names a path outside the workspace (${value})` };
  }
  return { ok: true };
}
