// Files a command changes, brought into the run's journal (git workspaces): before the command a
// tree of the workspace as it is (tracked and untracked files, .gitignore respected, build and test
// caches left out) is written with a private index, seeded from the user's index so only changed
// files are hashed; after it, another. Each file that differs is journaled with its state from
// the first tree (unless the run journaled it earlier) and its new bytes as the run's version,
// so review lists it and reject restores or removes it. Nothing touches the user's index or refs;
// the trees are unreferenced objects (like `git stash create`'s). Symbolic links are not tracked.
import { execFile, execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { RunJournal } from './journal';
import { CACHE_EXCLUDES, isCachePath } from './caches';
import { readInside } from './safe-fs';
import { SAFE_GIT_CONFIG, configEnv, filterNames, filterOverrides } from '../sandbox/git-config';

const ENV_KEYS = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'SystemRoot'];

function git(root: string, args: string[], env: Record<string, string> = {}, encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string | Buffer> {
  const base: Record<string, string> = {};
  for (const k of ENV_KEYS) if (process.env[k] !== undefined) base[k] = process.env[k]!;
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: root, env: { ...base, ...configEnv(SAFE_GIT_CONFIG), ...env }, encoding, maxBuffer: 512 * 1024 * 1024, windowsHide: true }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/**
 * Nothing the repository's config names runs while we hash its files: no fsmonitor, hooks, pager,
 * and every filter driver (clean/smudge/process) emptied, listed afresh each time (commands can
 * change the config).
 */
function safeConfig(root: string): Record<string, string> {
  let listing = '';
  try {
    listing = execFileSync('git', ['config', '--get-regexp', '^filter\\.'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    // exit 1: no filter configured
  }
  return configEnv([...SAFE_GIT_CONFIG, ...filterOverrides(filterNames(listing))]);
}

const repos = new Map<string, Promise<string | undefined>>();

/** The git dir when `root` is the top of a git work tree, else undefined (then commands are not tracked). */
function gitDirOf(root: string): Promise<string | undefined> {
  let p = repos.get(root);
  if (!p) {
    p = (async () => {
      try {
        const [top, dir] = String(await git(root, ['rev-parse', '--show-toplevel', '--absolute-git-dir'])).trim().split('\n');
        return path.resolve(top) === path.resolve(root) ? dir : undefined;
      } catch {
        return undefined;
      }
    })();
    repos.set(root, p);
  }
  return p;
}

async function treeOf(root: string, gitDir: string): Promise<string> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'swarmcode-cmd-'));
  const index = path.join(tmp, 'index');
  try {
    await copyFile(path.join(gitDir, 'index'), index).catch(() => undefined);
    const env = { ...safeConfig(root), GIT_INDEX_FILE: index };
    await git(root, ['add', '-A', '--', '.', ...CACHE_EXCLUDES.map((p) => `:(exclude,glob)${p}`)], env);
    return String(await git(root, ['write-tree'], env)).trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export interface CommandChanges<T> {
  value: T;
  /** Workspace-relative paths the command created, changed or deleted. */
  changed: string[];
}

/** A root the command may change: its folder and the prefix of its tool paths (`name/` in a multi-root workspace). */
export interface CommandRoot {
  dir: string;
  prefix: string;
}

/** Runs `fn` (a command in the workspace) and journals the files it changed in every git root. */
export async function journalCommand<T>(roots: string | CommandRoot[], journal: RunJournal, fn: () => Promise<T>): Promise<CommandChanges<T>> {
  const list = typeof roots === 'string' ? [{ dir: roots, prefix: '' }] : roots;
  const before: { root: CommandRoot; gitDir: string; tree: string }[] = [];
  for (const root of list) {
    const gitDir = await gitDirOf(root.dir);
    const tree = gitDir ? await treeOf(root.dir, gitDir).catch(() => undefined) : undefined;
    if (gitDir && tree) before.push({ root, gitDir, tree });
  }
  const value = await fn();
  const changed: string[] = [];
  for (const b of before) changed.push(...(await journalChanges(b.root, b.gitDir, b.tree, journal)));
  return { value, changed };
}

async function journalChanges(root: CommandRoot, gitDir: string, before: string, journal: RunJournal): Promise<string[]> {
  const dir = root.dir;
  const after = await treeOf(dir, gitDir);
  if (after === before) return [];
  // ":<old mode> <new mode> <old sha> <new sha> <status>\0<path>\0"
  const fields = String(await git(dir, ['diff-tree', '-r', '-z', '--raw', '--no-renames', before, after])).split('\0');
  const changed: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i].replace(/^\n/, '');
    if (!meta.startsWith(':')) continue;
    const [oldMode, newMode, oldSha] = meta.slice(1).split(' ');
    const rel = fields[i + 1];
    if (oldMode === '120000' || newMode === '120000' || oldMode === '160000' || newMode === '160000' || isCachePath(rel)) continue;
    const abs = path.join(dir, rel);
    const shown = `${root.prefix}${rel}`;
    const known = /^0+$/.test(oldMode) ? null : { bytes: (await git(dir, ['cat-file', 'blob', oldSha], {}, 'buffer')) as Buffer, mode: parseInt(oldMode, 8) & 0o777 };
    await journal.before(abs, shown, undefined, known);
    const now = await readInside(dir, abs, shown).catch(() => undefined);
    await journal.after(abs, now ? now.bytes : null);
    changed.push(shown);
  }
  return changed;
}
