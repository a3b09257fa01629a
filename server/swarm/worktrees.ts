// Per-sub-agent git worktrees: a sub-agent of a run with `worktrees: true` edits and runs its
// commands (tests) in a checkout of its own, made from a snapshot of the workspace as it is when
// the sub-agent starts (tracked and untracked files, .gitignore respected; sub-agents launched
// together share one snapshot), so a later sub-agent sees what earlier ones merged back. When it finishes, its
// changes are merged back into the workspace file by file with a three-way merge (git merge-file)
// through the run's journaled workspace, so they show in review and roll back like any edit.
// Conflicts are written with markers and reported; what cannot be merged (binary files, a file
// deleted on one side and changed on the other) is reported and the worktree is kept.
// The snapshot never touches the user's refs, index or working tree: it uses a private index
// file and a dangling commit.
import { execFile, execFileSync } from 'node:child_process';
import { SAFE_GIT_CONFIG, configEnv, filterNames, filterOverrides } from '../sandbox/git-config';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import type { Logger } from '../log';
import type { Workspace } from '../workspace';
import { looksBinary } from '../workspace/files';

export interface WorktreeMerge {
  /** Files whose changes were merged cleanly. */
  merged: string[];
  /** Files written with conflict markers (both sides changed the same lines). */
  conflicts: string[];
  /** Changes not applied, with the reason; the worktree is kept for them. */
  notApplied: { path: string; why: string }[];
  /** The worktree folder when it was kept (something was not applied). */
  keptAt?: string;
}

export interface Worktree {
  agentId: string;
  dir: string;
  /** The snapshot commit it was checked out at: the merge base. */
  base: string;
}

const IDENTITY = { GIT_AUTHOR_NAME: 'SwarmCode', GIT_AUTHOR_EMAIL: 'swarmcode@localhost', GIT_COMMITTER_NAME: 'SwarmCode', GIT_COMMITTER_EMAIL: 'swarmcode@localhost' };

/** A small, fixed environment: no editor, pager or hooks from the user's shell, a fixed identity. */
function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'SystemRoot']) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  // Nothing the repository's config names runs: fsmonitor, hooks, pager, external diff (filters: see Worktrees.safeConfig).
  return { ...env, ...IDENTITY, ...configEnv(SAFE_GIT_CONFIG), ...extra };
}

/**
 * simple-git refuses GIT_CONFIG_* and any fsmonitor / hooksPath / pager / diff.external / filter
 * setting unless told: these are ours (SAFE_GIT_CONFIG, all switching those off), not the model's.
 */
const OUR_CONFIG_ENV = {
  allowUnsafeConfigEnvCount: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeHooksPath: true,
  allowUnsafePager: true,
  allowUnsafeDiffExternal: true,
  allowUnsafeFilter: true,
} as NonNullable<SimpleGitOptions['unsafe']>;

const isBinary = (b: Buffer | undefined) => b !== undefined && looksBinary(b);
/** Text for comparing and merging: UTF-8, no BOM, LF line ends (writes put the file's own back). */
const text = (b: Buffer | undefined) => (b === undefined ? undefined : b.toString('utf8').replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'));

export class Worktrees {
  /** The snapshot being taken now; sub-agents starting meanwhile share it. */
  private taking: Promise<string> | undefined;
  private snapshots = 0;
  private folder: Promise<string> | undefined;
  /** Merges go one at a time: each one's "ours" is the workspace after the previous merge. */
  private merging: Promise<unknown> = Promise.resolve();
  private readonly live = new Map<string, Worktree>();
  /** Worktrees left for the user (something in them was not merged back). */
  readonly kept = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly log: Logger,
  ) {}

  /** Why worktrees cannot be used for this workspace, or undefined when they can. */
  static async unavailable(root: string): Promise<string | undefined> {
    try {
      const top = (await simpleGit({ baseDir: root, unsafe: OUR_CONFIG_ENV }).env(gitEnv()).raw(['rev-parse', '--show-toplevel'])).trim();
      const [a, b] = await Promise.all([stat(top), stat(root)]);
      if (a.ino !== b.ino || a.dev !== b.dev) return `Per-sub-agent worktrees need the workspace to be the root of its git repository (it is inside ${top}).`;
      return undefined;
    } catch (err) {
      return `Per-sub-agent worktrees need a git repository: ${(err as Error).message.trim().split('\n')[0]}`;
    }
  }

  /** The safe config plus the repository's filter drivers emptied (`git add` would run their clean commands). */
  private safeConfig: Record<string, string> | undefined;

  private git(dir = this.root, env?: Record<string, string>): SimpleGit {
    if (!this.safeConfig) {
      let listing = '';
      try {
        listing = execFileSync('git', ['config', '--get-regexp', '^filter\\.'], { cwd: this.root, env: gitEnv(), encoding: 'utf8' });
      } catch {
        // exit 1: no filter configured
      }
      this.safeConfig = configEnv([...SAFE_GIT_CONFIG, ...filterOverrides(filterNames(listing))]);
    }
    return simpleGit({ baseDir: dir, timeout: { block: 120_000 }, unsafe: OUR_CONFIG_ENV }).env(gitEnv({ ...this.safeConfig, ...env }));
  }

  private dir(): Promise<string> {
    this.folder ??= mkdtemp(join(tmpdir(), 'swarmcode-worktrees-'));
    return this.folder;
  }

  /** A commit of the workspace as it is now, made with a private index: no ref, index or file of the user's changes. */
  private snapshot(): Promise<string> {
    this.taking ??= (async () => {
      const index = join(await this.dir(), `snapshot-${++this.snapshots}.index`);
      try {
        const git = this.git(this.root, { GIT_INDEX_FILE: index });
        const head = (await git.raw(['rev-parse', '--verify', '-q', 'HEAD']).catch(() => '')).trim();
        if (head) await git.raw(['read-tree', head]);
        await git.raw(['add', '-A', '--', '.']);
        const tree = (await git.raw(['write-tree'])).trim();
        const commit = (await git.raw(['commit-tree', tree, ...(head ? ['-p', head] : []), '-m', 'SwarmCode snapshot for sub-agent worktrees'])).trim();
        this.log.info(`worktrees: snapshot ${commit.slice(0, 12)} of ${this.root}`);
        return commit;
      } finally {
        this.taking = undefined;
        await rm(index, { force: true });
      }
    })();
    return this.taking;
  }

  /** A fresh worktree for `agentId` at a snapshot of the workspace as it is now. */
  async add(agentId: string): Promise<Worktree> {
    const base = await this.snapshot();
    const dir = join(await this.dir(), agentId.replace(/[^A-Za-z0-9_.-]/g, '_'));
    await this.git().raw(['worktree', 'add', '--detach', dir, base]);
    const tree = { agentId, dir, base };
    this.live.set(agentId, tree);
    return tree;
  }

  /** Merges the worktree's changes into `target` (the run's view for this agent), then removes it unless something was left. */
  merge(tree: Worktree, target: Workspace, signal?: AbortSignal): Promise<WorktreeMerge> {
    const job = this.merging.then(() => this.mergeNow(tree, target, signal));
    job.catch(() => this.kept.add(tree.dir));
    this.merging = job.catch(() => undefined);
    return job;
  }

  private async mergeNow(tree: Worktree, target: Workspace, signal?: AbortSignal): Promise<WorktreeMerge> {
    const base = tree.base;
    const wt = this.git(tree.dir);
    await wt.raw(['add', '-A', '--', '.']);
    const listing = await wt.raw(['diff', '--cached', '--name-status', '--no-renames', '-z', base]);
    const fields = listing.split('\0').filter(Boolean);
    const out: WorktreeMerge = { merged: [], conflicts: [], notApplied: [] };
    for (let i = 0; i + 1 < fields.length; i += 2) {
      signal?.throwIfAborted();
      const [status, path] = [fields[i][0], fields[i + 1]];
      await this.mergeFile(tree, base, status, path, target, out);
    }
    if (out.notApplied.length) {
      out.keptAt = tree.dir;
      this.kept.add(tree.dir);
    } else await this.remove(tree);
    return out;
  }

  private async mergeFile(tree: Worktree, base: string, status: string, path: string, target: Workspace, out: WorktreeMerge): Promise<void> {
    const abs = await target.resolve(path);
    const theirsRaw = status === 'D' ? undefined : await readFile(join(tree.dir, path));
    const oldRaw = status === 'A' ? undefined : Buffer.from(await this.git().binaryCatFile(['blob', `${base}:${path}`]));
    const onDisk = await stat(abs).then((s) => s.isFile(), () => false);
    const open = target.documents.get(abs) !== undefined;
    if (isBinary(theirsRaw) || isBinary(oldRaw) || (onDisk && !open && isBinary(await readFile(abs)))) {
      out.notApplied.push({ path, why: 'binary files are not merged back' });
      return;
    }
    const theirs = text(theirsRaw);
    const old = text(oldRaw);
    // Read through the agent's view: the write below must be based on this version.
    const ours = onDisk || open ? text(Buffer.from(await target.readText(path), 'utf8')) : undefined;
    if (ours === theirs) return;
    if (theirs === undefined) {
      if (ours === old && target.deleteFile) {
        await target.deleteFile(path);
        out.merged.push(path);
      } else out.notApplied.push({ path, why: 'deleted by the sub-agent but changed in the workspace' });
      return;
    }
    if (ours === old) {
      await target.writeText(path, theirs);
      out.merged.push(path);
      return;
    }
    if (ours === undefined) {
      out.notApplied.push({ path, why: 'changed by the sub-agent but deleted in the workspace' });
      return;
    }
    const { merged, conflicts } = await this.mergeText(tree.agentId, ours, old ?? '', theirs);
    await target.writeText(path, merged);
    (conflicts ? out.conflicts : out.merged).push(path);
  }

  /** git merge-file on three temporary copies: the merged text and how many conflicts it marks. */
  private async mergeText(agentId: string, ours: string, old: string, theirs: string): Promise<{ merged: string; conflicts: number }> {
    const folder = await this.dir();
    const stem = join(folder, `${agentId.replace(/[^A-Za-z0-9_.-]/g, '_')}.merge`);
    const files = [`${stem}.ours`, `${stem}.base`, `${stem}.theirs`];
    await Promise.all([writeFile(files[0], ours), writeFile(files[1], old), writeFile(files[2], theirs)]);
    try {
      const args = ['merge-file', '-p', '-L', 'workspace', '-L', 'run start', '-L', agentId, ...files];
      return await new Promise((resolve, reject) => {
        execFile('git', args, { env: gitEnv(), maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => {
          // The exit code is the number of conflicts; negative (or > 127) means it failed.
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          if (code < 0 || code > 127) reject(new Error(`git merge-file failed: ${err?.message}`));
          else resolve({ merged: stdout, conflicts: code });
        });
      });
    } finally {
      await Promise.all(files.map((f) => rm(f, { force: true })));
    }
  }

  async remove(tree: Worktree): Promise<void> {
    this.live.delete(tree.agentId);
    await this.git()
      .raw(['worktree', 'remove', '--force', tree.dir])
      .catch((err: Error) => this.log.warn(`worktrees: could not remove ${tree.dir}: ${err.message}`));
  }

  /** At the end of the run: removes every worktree not kept for the user, prunes git's bookkeeping. */
  async dispose(): Promise<void> {
    for (const tree of [...this.live.values()]) if (!this.kept.has(tree.dir)) await this.remove(tree);
    if (!this.folder) return;
    await this.git().raw(['worktree', 'prune']).catch(() => undefined);
    if (this.kept.size === 0) await rm(await this.folder, { recursive: true, force: true });
  }
}
