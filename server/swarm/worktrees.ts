// Per-sub-agent checkouts: a sub-agent of a run with `worktrees: true` edits and runs its commands
// (tests) in a checkout of its own, made from a snapshot of the workspace as it is when the
// sub-agent starts (tracked and untracked files, .gitignore respected; sub-agents launched
// together share one snapshot), so a later sub-agent sees what earlier ones merged back.
// Isolation: each checkout is a separate git repository that borrows the user's objects
// (objects/info/alternates) and has its own refs, stash, index, config and no hooks, so a
// sub-agent's `git commit`, `git branch`, `git stash` or `git config` never reaches the user's
// repository, and it never shows in `git worktree list`. The snapshot itself is a dangling commit
// made with a private index: no ref, index or file of the user's changes.
// When a sub-agent finishes, its changes are merged back file by file (worktree-merge.ts).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleGit, type SimpleGit, type SimpleGitOptions } from 'simple-git';
import { SAFE_GIT_CONFIG, configEnv, filterNames, filterOverrides } from '../sandbox/git-config';
import type { Logger } from '../log';
import type { Workspace } from '../workspace';
import { CACHE_EXCLUDES } from '../workspace/caches';
import { mergeWorktree, type WorktreeMerge } from './worktree-merge';
import { keepWorktree } from './kept';
import { hasConflictMarkers } from '../workspace/review';

export type { WorktreeMerge } from './worktree-merge';

export interface Worktree {
  agentId: string;
  dir: string;
  /** The snapshot commit it was checked out at: the merge base. */
  base: string;
}

const IDENTITY = { GIT_AUTHOR_NAME: 'SwarmCode', GIT_AUTHOR_EMAIL: 'swarmcode@localhost', GIT_COMMITTER_NAME: 'SwarmCode', GIT_COMMITTER_EMAIL: 'swarmcode@localhost' };

/** A small, fixed environment: no editor, pager or hooks from the user's shell, a fixed identity. */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'SystemRoot']) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  // Nothing the repository's config names runs: fsmonitor, hooks, pager, external diff (filters: see Worktrees.git).
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
  /** Files this run wrote with conflict markers (a later merge into them is refused while they hold markers). */
  readonly conflicted = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly log: Logger,
    private readonly runId = '',
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

  /**
   * git for the workspace or a checkout. A checkout's own config can be changed by its sub-agent
   * (`git config filter.x.clean …`), so its filter drivers are listed again on every call.
   */
  git(dir = this.root, env?: Record<string, string>): SimpleGit {
    const own = dir === this.root;
    if (!own || !this.safeConfig) {
      let listing = '';
      try {
        listing = execFileSync('git', ['config', '--get-regexp', '^filter\\.'], { cwd: dir, env: gitEnv(), encoding: 'utf8' });
      } catch {
        // exit 1: no filter configured
      }
      const safe = configEnv([...SAFE_GIT_CONFIG, ...filterOverrides(filterNames(listing))]);
      if (!own) return simpleGit({ baseDir: dir, timeout: { block: 120_000 }, unsafe: OUR_CONFIG_ENV }).env(gitEnv({ ...safe, ...env }));
      this.safeConfig = safe;
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
        // Build and test caches the user has not ignored stay out of the snapshot too.
        await git.raw(['add', '-A', '--', '.', ...CACHE_EXCLUDES.map((p) => `:(exclude,glob)${p}`)]);
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

  /** A fresh private checkout for `agentId` at a snapshot of the workspace as it is now. */
  async add(agentId: string): Promise<Worktree> {
    const base = await this.snapshot();
    const dir = join(await this.dir(), agentId.replace(/[^A-Za-z0-9_.-]/g, '_'));
    const common = resolve(this.root, (await this.git().raw(['rev-parse', '--git-common-dir'])).trim());
    // --template= : no hooks, no sample files; the repository's config is its own.
    await simpleGit({ baseDir: await this.dir(), unsafe: { ...OUR_CONFIG_ENV, allowUnsafeTemplateDir: true } }).env(gitEnv()).raw(['init', '-q', '--template=', dir]);
    await writeFile(join(dir, '.git', 'objects', 'info', 'alternates'), `${join(common, 'objects')}\n`);
    const userExclude = await readFile(join(common, 'info', 'exclude'), 'utf8').catch(() => '');
    await writeExclude(dir, userExclude);
    await this.git(dir).raw(['checkout', '-q', '--detach', base]);
    const tree = { agentId, dir, base };
    this.live.set(agentId, tree);
    return tree;
  }

  /** Merges the worktree's changes into `target` (the run's view for this agent), then removes it unless something was left. */
  merge(tree: Worktree, target: Workspace, signal?: AbortSignal): Promise<WorktreeMerge> {
    const job = this.merging.then(async () => {
      const out = await mergeWorktree({ git: (d) => this.git(d), root: this.root, conflicted: this.conflicted }, tree, target, signal);
      if (out.notApplied.length) this.keep(tree, out.notApplied.map((n) => `${n.path}: ${n.why}`));
      else await this.remove(tree);
      if (this.kept.has(tree.dir)) out.keptAt = tree.dir;
      return out;
    });
    job.catch((err: Error) => this.keep(tree, [`merge failed: ${err.message}`]));
    this.merging = job.catch(() => undefined);
    return job;
  }

  /** Files this run left with conflict markers that still hold them. */
  async unresolved(): Promise<string[]> {
    const out: string[] = [];
    for (const rel of this.conflicted) {
      const text = await readFile(join(this.root, rel), 'utf8').catch(() => '');
      if (hasConflictMarkers(text)) out.push(rel);
    }
    return out.sort();
  }

  private keep(tree: Worktree, reasons: string[]): void {
    this.kept.add(tree.dir);
    keepWorktree(this.root, { runId: this.runId, agentId: tree.agentId, path: tree.dir, reasons });
  }

  async remove(tree: Worktree): Promise<void> {
    this.live.delete(tree.agentId);
    await rm(tree.dir, { recursive: true, force: true }).catch((err: Error) => this.log.warn(`worktrees: could not remove ${tree.dir}: ${err.message}`));
  }

  /** At the end of the run: removes every worktree not kept for the user. */
  async dispose(): Promise<void> {
    for (const tree of [...this.live.values()]) if (!this.kept.has(tree.dir)) await this.remove(tree);
    if (!this.folder) return;
    if (this.kept.size === 0) await rm(await this.folder, { recursive: true, force: true });
  }
}

async function writeExclude(dir: string, userExclude: string): Promise<void> {
  await mkdir(join(dir, '.git', 'info'), { recursive: true });
  await writeFile(join(dir, '.git', 'info', 'exclude'), `${userExclude}\n# SwarmCode: build and test caches are never merged back\n${CACHE_EXCLUDES.join('\n')}\n`);
}
