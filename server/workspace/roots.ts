// Multi-root workspaces: every workspace folder is a root. With one root, paths are plain
// root-relative, exactly as before. With several, a path starts with the folder's name
// (`api/src/x.ts`, `web/README.md`; duplicate names get `-2`, `-3`, …), and the workspace's own
// directory is a server-owned folder of symbolic links, one per root, named like that: tools that
// run in "the workspace" (ripgrep, commands) see `api/…`, `web/…` there. Every path is still
// resolved inside exactly one real root; one escaping every root is refused.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { ToolError } from './tool-error';
import { isInside, resolveInRoot, type ResolvedPath } from './sandbox';

/** A workspace folder as the client names it. */
export interface RootSpec {
  path: string;
  /** The client's name for it (VS Code's folder name); the folder's base name when absent. */
  name?: string;
}

export interface Root {
  /** The first path segment of tool paths in this root (multi-root only). */
  name: string;
  /** Real (symlink-free) absolute path. */
  real: string;
  /** Other spellings of it (the path as given, the link in the farm). */
  aliases: string[];
}

/** Names usable as one path segment, unique (case-insensitively), in the given order. */
export function rootNames(specs: RootSpec[]): string[] {
  const taken = new Set<string>();
  return specs.map((s) => {
    const raw = (s.name ?? '').trim() || path.basename(path.resolve(s.path)) || 'root';
    let base = raw.replace(/[\\/:*?"<>|\0]/g, '_').replace(/^\.+$/, '_');
    if (!base) base = 'root';
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

/** The root whose containment applies to `abs`: its own root in a multi-root workspace, else the one root. */
export function rootFor(deps: { root: string; rootOf?(abs: string): string | undefined }, abs: string): string {
  return deps.rootOf?.(abs) ?? deps.root;
}

/** The real root that contains `abs` (the innermost when roots nest). */
export function rootContaining(roots: readonly Root[], abs: string): Root | undefined {
  let best: Root | undefined;
  for (const r of roots) if (isInside(r.real, abs) && (!best || r.real.length > best.real.length)) best = r;
  return best;
}

/**
 * The folder of links `<name> → <root>` for several roots, under `base`. Its path depends only on
 * the roots, so journals keyed by it are found again after a restart, and two servers over the
 * same folders share it: each link is checked and, when missing or different, replaced atomically
 * (a new link renamed over it), so a server never sees the folder half made. Anything else found
 * there is removed; the folder itself must be a real folder of this user.
 */
export async function linkFarm(base: string, roots: readonly Root[]): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(roots.map((r) => [r.name, r.real]))).digest('hex').slice(0, 16);
  const dir = path.join(base, key);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await fs.lstat(dir);
  if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) {
    throw new Error(`The multi-root folder ${dir} is not a folder of this user; remove it and start again.`);
  }
  const wanted = new Map(roots.map((r) => [r.name, r.real]));
  for (const entry of await fs.readdir(dir)) {
    // (A `.tmp` link may be another server's, about to be renamed into place.)
    if (!wanted.has(entry) && !entry.endsWith('.tmp')) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
  for (const [name, real] of wanted) {
    const link = path.join(dir, name);
    if ((await fs.readlink(link).catch(() => undefined)) === real) continue;
    const tmp = `${link}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.symlink(real, tmp, 'dir');
    await fs.rename(tmp, link).catch(async (err: NodeJS.ErrnoException) => {
      // A real folder where the link belongs (rename cannot replace it): remove it, then retry once.
      if (err.code !== 'EISDIR' && err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
      await fs.rm(link, { recursive: true, force: true });
      await fs.rename(tmp, link).catch(() => {
        throw err;
      });
    });
  }
  return fs.realpath(dir);
}

/** Resolution of tool paths over several roots (`name/…`); `farm` is the workspace's own folder. */
export class MultiRoot {
  constructor(
    readonly farm: string,
    readonly roots: readonly Root[],
  ) {}

  get names(): string[] {
    return this.roots.map((r) => r.name);
  }

  rootOf(abs: string): Root | undefined {
    return rootContaining(this.roots, abs);
  }

  async resolve(input: string): Promise<ResolvedPath> {
    if (typeof input !== 'string') throw new ToolError('path must be a string');
    if (input.includes('\0')) throw new ToolError(`Refused path ${JSON.stringify(input)}: it contains a NUL byte.`);
    const named = input.trim() === '' ? '.' : input;
    if (path.isAbsolute(named)) {
      const abs = path.resolve(named);
      if (abs === this.farm) return { lexical: this.farm, real: this.farm };
      const inFarm = isInside(this.farm, abs) ? this.roots.find((r) => isInside(path.join(this.farm, r.name), abs)) : undefined;
      const root = inFarm ?? this.roots.find((r) => [r.real, ...r.aliases].some((a) => isInside(a, abs)));
      if (!root) throw new ToolError(`Refused path ${JSON.stringify(input)}: it is outside every workspace folder (${this.names.join(', ')}). Use a path like ${this.names[0]}/….`);
      return resolveInRoot(root.real, abs, [...root.aliases, path.join(this.farm, root.name)]);
    }
    const norm = path.posix.normalize(named.split(path.sep).join('/'));
    if (norm === '.' || norm === './') return { lexical: this.farm, real: this.farm };
    if (norm === '..' || norm.startsWith('../')) {
      throw new ToolError(`Refused path ${JSON.stringify(input)}: it leads outside the workspace through "..". Use a path inside one of the workspace folders (${this.names.join(', ')}).`);
    }
    const [first, ...rest] = norm.split('/');
    const root = this.roots.find((r) => r.name === first) ?? this.roots.find((r) => r.name.toLowerCase() === first.toLowerCase());
    if (!root) {
      throw new ToolError(`Refused path ${JSON.stringify(input)}: this workspace has several folders, so a path starts with one of their names: ${this.names.map((n) => `${n}/…`).join(', ')}.`);
    }
    return resolveInRoot(root.real, rest.join('/') || '.', root.aliases);
  }

  /** Absolute → `name/rel` (forward slashes); `.` for the farm itself. */
  relative(abs: string): string {
    if (abs === this.farm) return '.';
    const root = this.rootOf(abs) ?? this.roots.find((r) => isInside(path.join(this.farm, r.name), abs));
    if (!root) return path.relative(this.farm, abs).split(path.sep).join('/');
    const base = isInside(root.real, abs) ? root.real : path.join(this.farm, root.name);
    const rel = path.relative(base, abs).split(path.sep).join('/');
    return rel ? `${root.name}/${rel}` : root.name;
  }
}
