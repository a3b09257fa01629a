// Windows path rules for the workspace sandbox, written against an injected `path.win32` so they
// are unit-tested on any OS. Windows compares names case-insensitively, accepts `/` and `\`,
// has drive letters (and drive-relative `C:foo`), UNC shares (`\\server\share\…`), device
// namespaces (`\\?\`, `\\.\`), reserved device names (CON, NUL, COM1, … — also with an
// extension, `nul.txt`), strips trailing dots and spaces from names, and reads `name:stream` as an
// alternate data stream. References: Microsoft's "Naming Files, Paths, and Namespaces" and
// Node's path.win32.
import * as nodePath from 'node:path';

type PathApi = typeof nodePath.win32;

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/** Why a path's name is unusable on Windows, or undefined. `input` is as the model wrote it. */
export function windowsNameProblem(input: string, p: PathApi = nodePath.win32): string | undefined {
  if (/^[\\/]{2}[?.][\\/]/.test(input)) return 'it is a device or long-path namespace path (\\\\?\\ or \\\\.\\)';
  if (/^[a-zA-Z]:(?![\\/])/.test(input)) return 'it is drive-relative (like C:foo), which depends on that drive\'s current folder';
  const rest = input.replace(/^[a-zA-Z]:/, '').replace(/^[\\/]{2}[^\\/]+[\\/][^\\/]+/, '');
  for (const part of rest.split(/[\\/]+/)) {
    if (part === '' || part === '.' || part === '..') continue;
    if (part.includes(':')) return `"${part}" names an alternate data stream (a ":" in a file name)`;
    if (/[<>"|?*\x00-\x1f]/.test(part)) return `"${part}" has a character Windows does not allow in names`;
    if (/[. ]$/.test(part)) return `"${part}" ends with a dot or space, which Windows strips (it would name another file)`;
    const stem = part.split('.')[0]!.trimEnd();
    if (RESERVED.test(stem)) return `"${part}" is a reserved device name on Windows`;
  }
  void p;
  return undefined;
}

/** A key for comparing Windows paths: resolved, one separator, no trailing one, lower case. */
export function windowsKey(abs: string, p: PathApi = nodePath.win32): string {
  const r = p.resolve(abs);
  const trimmed = r.length > 3 && /[\\]$/.test(r) ? r.slice(0, -1) : r;
  return trimmed.toLowerCase();
}

/** Whether `target` is `root` or inside it, by Windows rules (case-insensitive, drives, UNC shares). */
export function windowsInside(root: string, target: string, p: PathApi = nodePath.win32): boolean {
  const r = windowsKey(root, p);
  const t = windowsKey(target, p);
  if (t === r) return true;
  const prefix = r.endsWith('\\') ? r : `${r}\\`;
  return t.startsWith(prefix);
}

/**
 * Resolves a workspace path by Windows rules: refuses the names above, other drives, other UNC
 * shares and `..` escapes; returns the absolute path spelled with the root's own casing prefix.
 */
export function resolveWindowsPath(root: string, input: string, p: PathApi = nodePath.win32): { ok: true; path: string } | { ok: false; reason: string } {
  const problem = windowsNameProblem(input, p);
  if (problem) return { ok: false, reason: problem };
  const abs = p.isAbsolute(input) ? p.resolve(input) : p.resolve(root, input);
  if (!windowsInside(root, abs, p)) {
    const where = /^[\\/]{2}/.test(input) ? 'a network (UNC) path outside the workspace' : p.isAbsolute(input) ? 'an absolute path outside the workspace' : 'a path leading outside the workspace through ".."';
    return { ok: false, reason: `it is ${where} (${root})` };
  }
  const rel = abs.slice(p.resolve(root).replace(/\\$/, '').length).replace(/^\\/, '');
  return { ok: true, path: rel ? p.join(p.resolve(root), rel) : p.resolve(root) };
}
