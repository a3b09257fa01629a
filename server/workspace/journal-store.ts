// Where checkpoint journals live and which ones are waiting for the user.
//
//   $SWARMCODE_JOURNAL_DIR                   (override, used by tests)
//   else $XDG_STATE_HOME/swarmcode/journals
//   else ~/.local/state/swarmcode/journals   (%LOCALAPPDATA%\swarmcode\journals on Windows)
//   else <os.tmpdir()>/swarmcode-journals
// then /<sha256(workspace root), 16 hex>/<runId made file-name safe>/.
//
// Journals are outside the workspace, so they never show up in git status or get committed.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { RunJournal } from './journal';
import { pidAlive, readJson } from './durable';
import type { JournalManifest } from './journal';
import { isInside } from './sandbox';
import { sweepTemps } from './safe-fs';
import { pruneSnapshotRepos } from './snapshot-repo';

export type CheckpointState = 'active' | 'finished' | 'interrupted';

export interface CheckpointSummary {
  runId: string;
  task: string;
  startedAt: number;
  finishedAt?: number;
  state: CheckpointState;
  status?: JournalManifest['status'];
  files: number;
}

/** Finished journals older than this are deleted at start-up (interrupted ones are kept). */
const KEEP_FINISHED_MS = 7 * 24 * 3600_000;
const KEEP_FINISHED_COUNT = 50;

export function journalBaseDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SWARMCODE_JOURNAL_DIR) return env.SWARMCODE_JOURNAL_DIR;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'swarmcode', 'journals');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'swarmcode', 'journals');
  const home = os.homedir();
  if (home) return path.join(home, '.local', 'state', 'swarmcode', 'journals');
  return path.join(os.tmpdir(), 'swarmcode-journals');
}

export function safeRunDir(runId: string): string {
  const clean = runId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80);
  return clean === runId && !/^\.+$/.test(runId) ? clean : `${clean}-${createHash('sha256').update(runId).digest('hex').slice(0, 8)}`;
}

const stores = new Map<string, JournalStore>();

/** The one store per workspace root in this process. */
export function journalStoreFor(root: string, roots?: { name: string; real: string }[]): JournalStore {
  let s = stores.get(root);
  if (!s) stores.set(root, (s = new JournalStore(root, path.join(journalBaseDir(), createHash('sha256').update(root).digest('hex').slice(0, 16)))));
  if (roots?.length) s.roots = roots;
  return s;
}

export class JournalStore {
  /** Journals of runs live in this process (or loaded for review). */
  private readonly open = new Map<string, RunJournal>();
  private pruned = false;
  /** Multi-root: the real roots, recorded in each new journal (`root` is then the folder of links). */
  roots?: { name: string; real: string }[];

  constructor(
    readonly root: string,
    readonly dir: string,
  ) {}

  /** A fresh journal for a run; nothing touches the disk until the run's first write. */
  create(runId: string, task: string): RunJournal {
    const j = RunJournal.create(path.join(this.dir, safeRunDir(runId)), this.root, runId, task, this.roots);
    this.open.set(runId, j);
    return j;
  }

  /** A journal by run id: live in this process or loaded from disk. */
  async get(runId: string): Promise<RunJournal | undefined> {
    const live = this.open.get(runId);
    if (live) return live;
    const j = await RunJournal.load(path.join(this.dir, safeRunDir(runId)));
    if (!j || j.manifest.root !== this.root) return undefined;
    // A journal may name only this workspace's roots (a tampered list could widen what it touches).
    if (JSON.stringify(j.manifest.roots ?? []) !== JSON.stringify(this.roots ?? [])) return undefined;
    this.open.set(runId, j);
    return j;
  }

  /** A run of another server process (or one that crashed) still marked active. */
  stateOf(j: RunJournal): CheckpointState {
    if (j.manifest.state === 'finished') return 'finished';
    if (!j.fromDisk) return 'active';
    return j.manifest.pid !== process.pid && pidAlive(j.manifest.pid) ? 'active' : 'interrupted';
  }

  /** Every journal on disk for this workspace, newest first. Prunes old finished ones once. */
  async list(): Promise<CheckpointSummary[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const out: CheckpointSummary[] = [];
    for (const name of names) {
      const m = await readJson<JournalManifest>(path.join(this.dir, name, 'manifest.json'));
      if (!m || m.root !== this.root) continue;
      const j = await this.get(m.runId);
      if (!j) continue;
      out.push({ runId: j.runId, task: j.manifest.task, startedAt: j.manifest.startedAt, finishedAt: j.manifest.finishedAt, state: this.stateOf(j), status: j.manifest.status, files: j.list().length });
    }
    out.sort((a, b) => b.startedAt - a.startedAt);
    if (!this.pruned) {
      this.pruned = true;
      const finished = out.filter((c) => c.state === 'finished');
      const old = finished.filter((c, i) => i >= KEEP_FINISHED_COUNT || Date.now() - (c.finishedAt ?? c.startedAt) > KEEP_FINISHED_MS);
      for (const c of old) {
        await (await this.get(c.runId))?.destroy();
        this.open.delete(c.runId);
      }
      if (old.length) void this.pruneSnapshots();
      return out.filter((c) => !old.includes(c));
    }
    return out;
  }

  /** Another journal of this process (live or loaded) has an entry for `abs`. */
  othersTouch(j: RunJournal, abs: string): boolean {
    for (const o of this.open.values()) if (o !== j && o.has(abs)) return true;
    return false;
  }

  /** For rollback of `j`: which later runs (on disk or live) also wrote a file. */
  async newerWriters(j: RunJournal): Promise<(abs: string) => string[]> {
    const later: RunJournal[] = [];
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      const m = await readJson<JournalManifest>(path.join(this.dir, name, 'manifest.json'));
      if (!m || m.root !== this.root || m.runId === j.runId || m.startedAt < j.manifest.startedAt) continue;
      const o = await this.get(m.runId);
      if (o) later.push(o);
    }
    return (abs) => later.filter((o) => o.has(abs)).map((o) => o.runId);
  }

  /**
   * Removes temp files left in the workspace by writers that died (SIGKILL between the temp write
   * and the rename): next to every file a journal on disk names, and in the folders runs created;
   * and the journals' own torn temp files. Run at start-up; cheap (files touched, not the tree).
   */
  async sweep(): Promise<number> {
    let n = 0;
    for (const name of await fs.readdir(this.dir).catch(() => [] as string[])) {
      const m = await readJson<JournalManifest>(path.join(this.dir, name, 'manifest.json'));
      if (!m || m.root !== this.root) continue;
      const j = await this.get(m.runId);
      if (!j || (j.manifest.pid !== process.pid && pidAlive(j.manifest.pid) && j.manifest.state === 'active')) continue;
      const dirs = new Set<string>();
      for (const e of j.list()) {
        if (!isInside(j.rootOf(e.abs), e.abs)) continue;
        dirs.add(path.dirname(e.abs));
        for (const d of e.createdDirs ?? []) dirs.add(d);
      }
      for (const d of dirs) n += (await sweepTemps(j.rootOf(d), d, pidAlive).catch(() => [])).length;
      for (const sub of ['', 'entries', 'blobs']) {
        const folder = path.join(this.dir, name, sub);
        for (const f of await fs.readdir(folder).catch(() => [] as string[])) {
          if (/\.[0-9a-f]{8}\.tmp$/.test(f) && (await fs.rm(path.join(folder, f), { force: true }).then(() => true, () => false))) n++;
        }
      }
    }
    return n;
  }

  /**
   * Prunes the private snapshot repositories of this workspace's command journal (non-git
   * workspaces; snapshot-repo.ts): in the background, never throws, resolves when done.
   */
  pruneSnapshots(): Promise<boolean[]> {
    return pruneSnapshotRepos(this.dir).catch(() => []);
  }

  /** Forget an in-memory journal once it is gone from disk. */
  forget(runId: string): void {
    this.open.delete(runId);
  }
}
