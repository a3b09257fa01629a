// The private bare repositories that snapshot non-git workspaces for the command journal
// (command-journal.ts), and their pruning. A snapshot is only needed while its command runs: its
// trees are never referenced, so once the command's changes are journaled every object of it that
// the seed index does not hold is garbage. Pruning (`git prune`, git-prune(1)) runs in the
// background on accept, reject and server start, bounded by a time limit, one at a time per
// repository, and never while a command is snapshotting there:
// - every command marks itself in flight with a file `<repo>/swarmcode-commands/<pid>-<n>` from
//   before its first snapshot until its changes are journaled; a prune that finds a marker of a
//   live process is put off (this process runs it once its last command ends; markers of dead
//   processes are removed);
// - `--expire` is one second before the prune looked, so objects a command started just after
//   that writes are kept (git freshens the mtime of an object it writes again);
// - objects named by the seed index (the repository's `index`) are reachable and kept.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pidAlive } from './durable';
import { SAFE_GIT_CONFIG, configEnv } from '../sandbox/git-config';

export const SNAPSHOT_TIMEOUT_MS = 60_000;
const ENV_KEYS = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'SystemRoot'];
/** Private repositories beside a workspace's journals: `.command-snapshots.git`, `.command-snapshots-<hash>.git`. */
export const SNAPSHOT_REPO_RE = /^\.command-snapshots(-[0-9a-f]{12})?\.git$/;
const MARKERS = 'swarmcode-commands';

export function git(root: string, args: string[], env: Record<string, string> = {}, encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string | Buffer> {
  const base: Record<string, string> = {};
  for (const k of ENV_KEYS) if (process.env[k] !== undefined) base[k] = process.env[k]!;
  return new Promise((resolve, reject) => {
    // A snapshot that takes longer than SNAPSHOT_TIMEOUT_MS (a huge folder) is given up: the command is then not tracked.
    execFile('git', args, { cwd: root, env: { ...base, ...configEnv(SAFE_GIT_CONFIG), ...env }, encoding, maxBuffer: 512 * 1024 * 1024, windowsHide: true, timeout: SNAPSHOT_TIMEOUT_MS }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

const privates = new Map<string, Promise<string>>();

/** The private bare repository `dir` for a non-git workspace (created once per folder). */
export function privateRepo(dir: string): Promise<string> {
  let p = privates.get(dir);
  if (!p) {
    p = (async () => {
      await mkdir(path.dirname(dir), { recursive: true });
      await git(path.dirname(dir), ['init', '-q', '--bare', dir]);
      return dir;
    })();
    p.catch(() => privates.delete(dir));
    privates.set(dir, p);
  }
  return p;
}

interface RepoState {
  inFlight: number;
  /** A prune was put off while commands ran; run it when the last one ends. */
  deferred: boolean;
  pruning?: Promise<boolean>;
}
const states = new Map<string, RepoState>();
let markerSeq = 0;

function stateOf(repo: string): RepoState {
  let s = states.get(repo);
  if (!s) states.set(repo, (s = { inFlight: 0, deferred: false }));
  return s;
}

/** Marks a command in flight in `repo` (before its first snapshot); call the result when its changes are journaled. */
export async function beginCommand(repo: string): Promise<() => Promise<void>> {
  const s = stateOf(repo);
  s.inFlight++;
  const marker = path.join(repo, MARKERS, `${process.pid}-${++markerSeq}`);
  await mkdir(path.dirname(marker), { recursive: true })
    .then(() => writeFile(marker, ''))
    .catch(() => undefined);
  return async () => {
    await rm(marker, { force: true }).catch(() => undefined);
    if (--s.inFlight === 0 && s.deferred) {
      s.deferred = false;
      void pruneSnapshots(repo);
    }
  };
}

/** Commands of live processes snapshotting in `repo` now (markers of dead ones are removed). */
async function commandsInFlight(repo: string): Promise<number> {
  let n = 0;
  for (const name of await readdir(path.join(repo, MARKERS)).catch(() => [] as string[])) {
    const pid = Number(/^(\d+)-\d+$/.exec(name)?.[1]);
    if (pid && (pid === process.pid || pidAlive(pid))) n++;
    else await rm(path.join(repo, MARKERS, name), { force: true }).catch(() => undefined);
  }
  return n;
}

/**
 * Prunes the objects of finished commands' snapshots from `repo`. Resolves true when it pruned,
 * false when it was put off (a command in flight) or failed (it never throws).
 */
export function pruneSnapshots(repo: string): Promise<boolean> {
  const s = stateOf(repo);
  if (s.pruning) return s.pruning;
  const job = (async () => {
    const looked = Math.floor(Date.now() / 1000);
    if (s.inFlight > 0 || (await commandsInFlight(repo)) > 0) {
      s.deferred = s.inFlight > 0;
      return false;
    }
    await git(path.dirname(repo), ['prune', `--expire=@${looked - 1}`], { GIT_DIR: repo });
    return true;
  })()
    .catch(() => false)
    .finally(() => (s.pruning = undefined));
  s.pruning = job;
  return job;
}

/** Prunes every private snapshot repository in a workspace's journal folder (in the background). */
export async function pruneSnapshotRepos(journals: string): Promise<boolean[]> {
  const names = await readdir(journals).catch(() => [] as string[]);
  return Promise.all(names.filter((n) => SNAPSHOT_REPO_RE.test(n)).map((n) => pruneSnapshots(path.join(journals, n))));
}
