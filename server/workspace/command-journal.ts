// Files a command changes, brought into the run's journal: before the command a tree of the
// workspace as it is (tracked and untracked files, .gitignore respected, build and test caches
// left out) is written with a private index, after it another. Each file that differs is journaled
// with its state from the first tree (unless the run journaled it earlier) and its new bytes as the
// run's version, so review lists it and reject restores or removes it.
// - A git workspace (its root is the top of a work tree): the index is seeded from the user's, so
//   only changed files are hashed; nothing touches the user's index or refs, the trees are
//   unreferenced objects (like `git stash create`'s).
// - Any other folder: a private bare repository beside the workspace's journals
//   (GIT_DIR + GIT_WORK_TREE, git(1) ENVIRONMENT) whose index, kept between commands, is the seed;
//   dependency folders (node_modules, .venv, venv) are left out as well. Its objects of finished
//   commands are pruned in the background (snapshot-repo.ts).
// Symbolic links are not tracked.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PathLock, RunJournal } from './journal';
import { undoCommandChange, type SnapshotFile } from './command-undo';
import { CACHE_EXCLUDES, isCachePath } from './caches';
import { readInside } from './safe-fs';
import { SAFE_GIT_CONFIG, configEnv, filterNames, filterOverrides } from '../sandbox/git-config';
import { SNAPSHOT_TIMEOUT_MS, beginCommand, git, privateRepo } from './snapshot-repo';

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

/** How to snapshot one workspace: git's environment for it and the index that seeds each snapshot. */
interface Snapshots {
  env: Record<string, string>;
  seed: string;
  /** Private repository: the seed is replaced by each snapshot's index (a stat cache for the next). */
  keepSeed: boolean;
  /** The private repository (snapshot-repo.ts prunes it), absent for a git workspace. */
  repo?: string;
  excludes: string[];
}

const DEPENDENCY_EXCLUDES = ['**/node_modules/**', '.venv/**', 'venv/**'];

const repos = new Map<string, Promise<string | undefined>>();

async function snapshotsFor({ dir: root, prefix }: CommandRoot, journal: RunJournal): Promise<Snapshots | undefined> {
  const gitDir = await gitDirOf(root);
  if (gitDir) return { env: {}, seed: path.join(gitDir, 'index'), keepSeed: false, excludes: CACHE_EXCLUDES };
  // Beside the run journals of this workspace (journal-store.ts: <base>/<hash of root>/<run>/).
  // One repository per root (its index is that root's seed); a multi-root workspace's roots are told apart by their folder.
  const name = prefix ? `.command-snapshots-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.git` : '.command-snapshots.git';
  const dir = await privateRepo(path.join(path.dirname(journal.dir), name)).catch(() => undefined);
  if (!dir) return undefined;
  // Journals kept inside the workspace (it is the home folder) are never part of its snapshots.
  const store = path.relative(root, path.dirname(path.dirname(journal.dir))).split(path.sep).join('/');
  const own = store && !store.startsWith('..') && !path.isAbsolute(store) ? [`${store}/**`] : [];
  return { env: { GIT_DIR: dir, GIT_WORK_TREE: root }, seed: path.join(dir, 'index'), keepSeed: true, repo: dir, excludes: [...CACHE_EXCLUDES, ...DEPENDENCY_EXCLUDES, ...own] };
}

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

let seedVersion = 0;

async function treeOf(root: string, snap: Snapshots): Promise<string> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'swarmcode-cmd-'));
  const index = path.join(tmp, 'index');
  const add = async () => {
    const env = { ...safeConfig(root), ...snap.env, GIT_INDEX_FILE: index };
    await git(root, ['add', '-A', '--', '.', ...snap.excludes.map((p) => `:(exclude,glob)${p}`)], env);
    return String(await git(root, ['write-tree'], env)).trim();
  };
  try {
    const seeded = await copyFile(snap.seed, index).then(() => true, () => false);
    let tree: string;
    try {
      tree = await add();
    } catch (err) {
      // A private seed that git cannot read (cut short by a crash) is dropped: hash from scratch.
      if (!snap.keepSeed || !seeded || (err as { killed?: boolean }).killed) throw err;
      await rm(index, { force: true });
      tree = await add();
    }
    // Concurrent commands each work on their own copy; the last one's index seeds the next
    // (written beside the seed under a name of its own, then renamed over it).
    if (snap.keepSeed) {
      const next = `${snap.seed}.${process.pid}.${++seedVersion}.tmp`;
      await copyFile(index, next).then(() => rename(next, snap.seed)).catch(() => rm(next, { force: true }));
    }
    return tree;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export interface CommandChanges<T> {
  value: T;
  /** Workspace-relative paths the command created, changed or deleted (and that stay so). */
  changed: string[];
  /** Set when its changes could not be journaled (a snapshot failed or took too long). */
  untracked?: string;
  /** Paths in `opts.fenced` the command changed, put back as they were before it. */
  restored?: string[];
  /** Paths in `opts.fenced` the command's snapshots show changed but that were left, with why. */
  left?: { path: string; reason: string }[];
  /** Said to the model after the command's output (a fence's restores). */
  notice?: string;
}

export interface CommandOptions {
  /** Paths the command may not change: its change to them is undone (command-undo.ts), not journaled. */
  fenced?: (shown: string) => boolean;
  /** Runs `fn` holding the edit lock of `abs` (the undo waits for a tool write in flight). */
  lock?: PathLock;
}

function untracked(err: unknown): string {
  const e = err as { killed?: boolean; message?: string };
  return e.killed ? `snapshotting the workspace took over ${SNAPSHOT_TIMEOUT_MS / 1000} s` : `snapshotting the workspace failed: ${(e.message ?? String(err)).split('\n')[0]}`;
}

/** A root the command may change: its folder and the prefix of its tool paths (`name/` in a multi-root workspace). */
export interface CommandRoot {
  dir: string;
  prefix: string;
}

/** Runs `fn` (a command in the workspace) and journals the files it changed in every root. */
export async function journalCommand<T>(roots: string | CommandRoot[], journal: RunJournal, fn: () => Promise<T>, opts: CommandOptions = {}): Promise<CommandChanges<T>> {
  const list = typeof roots === 'string' ? [{ dir: roots, prefix: '' }] : roots;
  const before: { root: CommandRoot; snap: Snapshots; tree: string }[] = [];
  const ends: (() => Promise<void>)[] = [];
  let failed: string | undefined;
  try {
    for (const root of list) {
      const snap = await snapshotsFor(root, journal).catch(() => undefined);
      // In flight from before the first snapshot until the changes are journaled: no prune meanwhile.
      if (snap?.repo) ends.push(await beginCommand(snap.repo));
      const tree = snap ? await treeOf(root.dir, snap).catch((err) => void (failed ??= untracked(err))) : undefined;
      if (snap && tree) before.push({ root, snap, tree });
    }
    const value = await fn();
    const out: CommandChanges<T> = { value, changed: [] };
    for (const b of before) {
      try {
        await journalChanges(b.root, b.snap, b.tree, journal, opts, out);
      } catch (err) {
        failed ??= untracked(err);
      }
    }
    if (failed) out.untracked = failed;
    return out;
  } finally {
    for (const end of ends) await end();
  }
}

const unlocked: PathLock = (_abs, fn) => fn();

async function journalChanges<T>(root: CommandRoot, snap: Snapshots, before: string, journal: RunJournal, opts: CommandOptions, out: CommandChanges<T>): Promise<void> {
  const dir = root.dir;
  const after = await treeOf(dir, snap);
  if (after === before) return;
  const blob = async (mode: string, sha: string): Promise<SnapshotFile> => (/^0+$/.test(mode) ? null : { bytes: (await git(dir, ['cat-file', 'blob', sha], snap.env, 'buffer')) as Buffer, gitMode: mode });
  // ":<old mode> <new mode> <old sha> <new sha> <status>\0<path>\0"
  const fields = String(await git(dir, ['diff-tree', '-r', '-z', '--raw', '--no-renames', before, after], snap.env)).split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i].replace(/^\n/, '');
    if (!meta.startsWith(':')) continue;
    const [oldMode, newMode, oldSha, newSha] = meta.slice(1).split(' ');
    const rel = fields[i + 1];
    if (oldMode === '160000' || newMode === '160000' || isCachePath(rel)) continue;
    const link = oldMode === '120000' || newMode === '120000';
    const abs = path.join(dir, rel);
    const shown = `${root.prefix}${rel}`;
    const was = await blob(oldMode, oldSha);
    if (opts.fenced?.(shown)) {
      // Outside the fence a symbolic link the command made is undone too (links are not journaled).
      const undo = await undoCommandChange(dir, abs, shown, was, await blob(newMode, newSha), journal, opts.lock ?? unlocked).catch((err: Error) => ({ undone: false as const, reason: err.message }));
      if (undo.undone) {
        (out.restored ??= []).push(shown);
        continue;
      }
      (out.left ??= []).push({ path: shown, reason: undo.reason });
    }
    if (link) continue;
    await journal.before(abs, shown, undefined, was && { bytes: was.bytes, mode: parseInt(was.gitMode, 8) & 0o777 });
    const now = await readInside(dir, abs, shown).catch(() => undefined);
    await journal.after(abs, now ? now.bytes : null);
    out.changed.push(shown);
  }
}
