// Path sandbox: every path a tool touches must stay inside the workspace root.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ToolError } from './tool-error';
import { windowsInside, windowsNameProblem } from './win-paths';

const WIN = process.platform === 'win32';

export interface ResolvedPath {
  /** The path as named, made absolute under the root (symlinks not followed). */
  lexical: string;
  /** The same path with every existing symlink resolved; what gets read and written. */
  real: string;
}

export function isInside(root: string, p: string): boolean {
  if (WIN) return windowsInside(root, p);
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel) && rel !== '..');
}

/**
 * Resolves a workspace-relative (or absolute inside the root) path, refusing `..` escapes,
 * absolute paths outside the root and symlinks whose real target leaves the root. The deepest
 * existing ancestor is resolved with realpath so files not yet created under a symlinked
 * folder are checked too.
 * @param root real (symlink-free) absolute root
 * @param aliases other spellings of the root (e.g. the unresolved path the client sent)
 */
export async function resolveInRoot(root: string, input: string, aliases: string[] = []): Promise<ResolvedPath> {
  if (typeof input !== 'string') throw new ToolError('path must be a string');
  if (input.includes('\0')) throw new ToolError(`Refused path ${JSON.stringify(input)}: it contains a NUL byte.`);
  const winProblem = WIN ? windowsNameProblem(input) : undefined;
  if (winProblem) throw new ToolError(`Refused path ${JSON.stringify(input)}: ${winProblem}.`);
  const named = input.trim() === '' ? '.' : input;
  let lexical: string;
  if (path.isAbsolute(named)) {
    const abs = path.resolve(named);
    const base = [root, ...aliases].find((r) => isInside(r, abs));
    if (!base) {
      throw new ToolError(
        `Refused path ${JSON.stringify(input)}: it is an absolute path outside the workspace (${root}). Use a workspace-relative path.`,
      );
    }
    lexical = path.join(root, path.relative(base, abs));
  } else {
    lexical = path.resolve(root, named);
    if (!isInside(root, lexical)) {
      throw new ToolError(`Refused path ${JSON.stringify(input)}: it leads outside the workspace through "..". Use a path inside the workspace.`);
    }
  }
  const real = await realpathDeepest(lexical);
  if (!isInside(root, real)) {
    throw new ToolError(
      `Refused path ${JSON.stringify(input)}: it goes through a symlink whose target (${real}) is outside the workspace.`,
    );
  }
  return { lexical, real };
}

/** realpath of the deepest existing ancestor, with the missing rest appended. */
async function realpathDeepest(p: string, depth = 0): Promise<string> {
  if (depth > 40) throw new ToolError(`Cannot resolve ${p}: too many levels of symbolic links.`);
  const missing: string[] = [];
  let cur = p;
  for (;;) {
    try {
      const real = await fs.realpath(cur);
      return missing.length ? path.join(real, ...missing.reverse()) : real;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new ToolError(`Cannot resolve ${p}: ${(err as Error).message}`);
      }
      // A dangling symlink: follow its target lexically so it is checked as well.
      const link = await fs.readlink(cur).catch(() => undefined);
      if (link !== undefined) {
        return realpathDeepest(path.resolve(path.dirname(cur), link), depth + 1).then((r) =>
          missing.length ? path.join(r, ...missing.reverse()) : r,
        );
      }
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      missing.push(path.basename(cur));
      cur = parent;
    }
  }
}
