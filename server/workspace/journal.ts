// Checkpoint journal: before a run first writes a file, the file's original bytes (or its absence)
// are written and fsynced outside the workspace; after each write the run's own version is kept
// too. Rolling back undoes only the run's change (journal-restore.ts): byte for byte when nobody
// changed the file since, three-way when someone did, never over a later change. Cost grows with
// the files touched, never the tree size; git refs, the index and other files are never touched.
//
// Layout (see journal-store.ts for where <dir> lives):
//   <dir>/manifest.json          {runId, root, pid, task, startedAt, state, status?, finishedAt?}
//   <dir>/entries/<n>.json       one per touched file, written (fsync) before the file's first write
//   <dir>/blobs/<n>              the file's original bytes (absent when the file did not exist)
//   <dir>/blobs/<n>.after        the run's last version of the file (<n>.gone: the run deleted it;
//                                neither: unknown, e.g. the server died between a write and this)
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RunStatus } from '../protocol';
import { readJson, syncDir, writeDurable, writeQuick } from './durable';
import { describeFsError, readInside } from './safe-fs';
import { rootContaining } from './roots';
import { restoreEntry, type BufferRestorer, type PathLock, type RestoreOutcome } from './journal-restore';

export type { BufferRestorer, PathLock, RestoreOutcome };

/** The checkpoint journal could not be written (disk full, permissions): the file was not changed. */
export class JournalError extends Error {
  override name = 'JournalError';
}

export interface JournalManifest {
  version: 1;
  runId: string;
  root: string;
  /** Multi-root: the real roots (with their path names); each entry lives in the one containing it. */
  roots?: { name: string; real: string }[];
  pid: number;
  task: string;
  startedAt: number;
  state: 'active' | 'finished';
  status?: RunStatus;
  finishedAt?: number;
}

export interface JournalEntry {
  id: number;
  /** Workspace-relative, forward slashes. */
  path: string;
  /** Absolute real path that was written. */
  abs: string;
  existed: boolean;
  /** Permission bits of the original file. */
  mode?: number;
  size?: number;
  /** Folders the run created for this file, shallowest first; removed on rollback when empty. */
  createdDirs?: string[];
  /** The first change went into an open editor buffer (workspace/applyEdit); the blob holds that buffer's UTF-8 text. */
  buffer?: boolean;
  /** The run created a symbolic link here with this target (a worktree merge-back); rollback removes that link. */
  link?: string;
}

export class RunJournal {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly pending = new Map<string, Promise<JournalEntry>>();
  private nextId = 0;
  private created = false;
  /** Loaded from disk (a journal of an earlier or another server process), not created here. */
  fromDisk = false;

  private constructor(
    readonly dir: string,
    public manifest: JournalManifest,
  ) {}

  static create(dir: string, root: string, runId: string, task: string, roots?: { name: string; real: string }[]): RunJournal {
    return new RunJournal(dir, { version: 1, runId, root, ...(roots?.length ? { roots } : {}), pid: process.pid, task: task.slice(0, 500), startedAt: Date.now(), state: 'active' });
  }

  /**
   * Where `abs` is checked and written: the root containing it and its path inside that root
   * (multi-root), else the workspace root and `rel`. A path in no root gets the workspace root
   * (the farm of links in a multi-root workspace), inside which every read and write is refused.
   */
  placeOf(abs: string, rel: string): { root: string; rel: string } {
    const roots = this.manifest.roots;
    if (!roots?.length) return { root: this.manifest.root, rel };
    const root = rootContaining(roots.map((r) => ({ ...r, aliases: [] })), abs);
    return root ? { root: root.real, rel: path.relative(root.real, abs).split(path.sep).join('/') } : { root: this.manifest.root, rel };
  }

  /** The root whose containment applies to `abs`. */
  rootOf(abs: string): string {
    return this.placeOf(abs, '').root;
  }

  /** Loads a journal from disk (after a restart); undefined when it has no manifest. */
  static async load(dir: string): Promise<RunJournal | undefined> {
    const manifest = await readJson<JournalManifest>(path.join(dir, 'manifest.json'));
    if (!manifest || manifest.version !== 1) return undefined;
    const j = new RunJournal(dir, manifest);
    j.created = true;
    j.fromDisk = true;
    const names = await fs.readdir(path.join(dir, 'entries')).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const e = await readJson<JournalEntry>(path.join(dir, 'entries', name));
      if (!e) continue; // torn entry: its file was never written (the entry is fsynced first)
      j.entries.set(e.abs, e);
      j.nextId = Math.max(j.nextId, e.id + 1);
    }
    return j;
  }

  get runId(): string {
    return this.manifest.runId;
  }

  /** Files this run has written, in first-write order. */
  list(): JournalEntry[] {
    return [...this.entries.values()].sort((a, b) => a.id - b.id);
  }

  has(abs: string): boolean {
    return this.entries.has(abs);
  }

  blobPath(e: JournalEntry): string {
    return path.join(this.dir, 'blobs', String(e.id));
  }

  async original(e: JournalEntry): Promise<Buffer | undefined> {
    return e.existed ? fs.readFile(this.blobPath(e)) : undefined;
  }

  /**
   * Journals `abs` before its first write in this run (no-op afterwards). Call with the path's
   * edit lock held. `bufferText`: the change goes to an open editor buffer with this text.
   * `known`: the file's state before the change, when it already happened (a command's change
   * found afterwards; null = the file did not exist).
   */
  async before(abs: string, rel: string, bufferText?: string, known?: { bytes: Buffer; mode: number } | null): Promise<void> {
    if (this.entries.has(abs)) return;
    let p = this.pending.get(abs);
    if (!p) {
      p = this.capture(abs, rel, bufferText, known);
      this.pending.set(abs, p);
    }
    try {
      this.entries.set(abs, await p);
    } finally {
      this.pending.delete(abs);
    }
  }

  private async capture(abs: string, rel: string, bufferText?: string, known?: { bytes: Buffer; mode: number } | null): Promise<JournalEntry> {
    const id = this.nextId++;
    const entry: JournalEntry = { id, path: rel, abs, existed: false };
    // Read first (never through a symlink): a refusal here is the workspace's, not the journal's.
    const orig = bufferText !== undefined ? undefined : known !== undefined ? (known ?? undefined) : await readInside(this.rootOf(abs), abs, rel);
    try {
      await this.ensureCreated();
      if (bufferText !== undefined) {
        entry.existed = true;
        entry.buffer = true;
        await writeDurable(this.blobPath(entry), Buffer.from(bufferText, 'utf8'));
      } else if (orig) {
        entry.existed = true;
        entry.mode = orig.mode;
        entry.size = orig.bytes.length;
        await writeDurable(this.blobPath(entry), orig.bytes);
      } else {
        entry.createdDirs = await missingDirs(path.dirname(abs), this.rootOf(abs));
      }
      await writeDurable(path.join(this.dir, 'entries', `${id}.json`), JSON.stringify(entry));
    } catch (err) {
      await fs.rm(this.blobPath(entry), { force: true }).catch(() => undefined);
      throw this.failure(err, `save the checkpoint of ${rel} before changing it`, `${rel} was not changed`);
    }
    return entry;
  }

  /** A clear error for a journal write that failed (ENOSPC says which disk is full). */
  failure(err: unknown, doing: string, outcome: string): JournalError {
    const why = describeFsError(err, `the checkpoint journal (${this.dir})`);
    const hint = /ENOSPC|EDQUOT/.test(why) ? ' Free space there, or set SWARMCODE_JOURNAL_DIR to a folder on another disk.' : '';
    return new JournalError(`Cannot ${doing}: ${why}; ${outcome}.${hint}`);
  }

  /**
   * Records the run's own version of `abs` after it wrote it (null: it deleted it). Not fsynced;
   * when it cannot be written the version becomes unknown and rollback leaves the file alone.
   */
  async after(abs: string, bytes: Uint8Array | null): Promise<void> {
    const e = this.entries.get(abs);
    if (!e) return;
    const blob = this.blobPath(e);
    try {
      if (bytes === null) {
        await fs.rm(`${blob}.after`, { force: true });
        await writeQuick(`${blob}.gone`, '');
      } else {
        await fs.rm(`${blob}.gone`, { force: true });
        await writeQuick(`${blob}.after`, bytes);
      }
    } catch {
      await fs.rm(`${blob}.after`, { force: true }).catch(() => undefined);
      await fs.rm(`${blob}.gone`, { force: true }).catch(() => undefined);
    }
  }

  /** The run's last version of the file: bytes, null (it deleted it) or undefined (unknown). */
  async runVersion(e: JournalEntry): Promise<Buffer | null | undefined> {
    const blob = this.blobPath(e);
    const bytes = await fs.readFile(`${blob}.after`).catch(() => undefined);
    if (bytes) return bytes;
    return (await fs.stat(`${blob}.gone`).then(() => true, () => false)) ? null : undefined;
  }

  /** Creates the journal on disk once; concurrent first writes (different files) all wait for it. */
  private ensureCreated(): Promise<void> {
    if (this.created) return Promise.resolve();
    this.creating ??= (async () => {
      await fs.mkdir(path.join(this.dir, 'entries'), { recursive: true });
      await fs.mkdir(path.join(this.dir, 'blobs'), { recursive: true });
      await writeDurable(path.join(this.dir, 'manifest.json'), JSON.stringify(this.manifest));
      await syncDir(path.dirname(this.dir));
      this.created = true;
    })().catch((err) => {
      this.creating = undefined; // the next write tries again (e.g. once space was freed)
      throw err;
    });
    return this.creating;
  }
  private creating?: Promise<void>;

  /** Marks the run over; the journal stays for review / undo until accepted or rejected. */
  /**
   * Marks the run over; the journal stays for review / undo until accepted or rejected. A file the
   * run's commands changed after its last edit (and no other run of this process touched) gets
   * its end-of-run state as the run's version. `othersTouch(abs)`: another run wrote it too.
   */
  async finish(status: RunStatus, othersTouch: (abs: string) => boolean = () => false): Promise<void> {
    this.manifest = { ...this.manifest, state: 'finished', status, finishedAt: Date.now() };
    if (!this.created) return;
    if (this.entries.size === 0) return this.destroy();
    for (const e of this.list()) {
      if (e.buffer || othersTouch(e.abs)) continue;
      const now = await readInside(this.rootOf(e.abs), e.abs, e.path).then((f) => f?.bytes ?? null, () => undefined);
      if (now === undefined) continue;
      const mine = await this.runVersion(e);
      if (mine === undefined || (now === null ? mine !== null : !mine?.equals(now))) await this.after(e.abs, now);
    }
    try {
      await writeDurable(path.join(this.dir, 'manifest.json'), JSON.stringify(this.manifest));
    } catch (err) {
      throw this.failure(err, 'mark the run finished in its checkpoint', 'its changes stay reviewable as an interrupted run');
    }
  }

  /** Keeps the current contents of `rels` (all when absent): their entries are dropped. */
  async accept(rels?: string[]): Promise<string[]> {
    const chosen = this.select(rels);
    for (const e of chosen) await this.drop(e);
    if (this.entries.size === 0) await this.destroy();
    return chosen.map((e) => e.path);
  }

  /**
   * Undoes the run's change to `rels` (all when absent), newest first. A file nobody changed since
   * gets its checkpoint bytes back; a file changed since (the user, a later run) gets only the
   * run's change reverted three-way, or is skipped with a reason. `newer(abs)`: later runs that
   * also wrote the file (named in the reason).
   */
  async rollback(rels: string[] | undefined, lock: PathLock, restoreBuffer?: BufferRestorer, newer: (abs: string) => string[] = () => []): Promise<RestoreOutcome> {
    const out: RestoreOutcome = { restored: [], merged: [], removed: [], skipped: [] };
    const chosen = this.select(rels).reverse();
    for (const e of chosen) {
      const done = await lock(e.abs, () => restoreEntry(this, e, out, { restoreBuffer, newer: newer(e.abs) }));
      if (done) await this.drop(e);
    }
    if (this.entries.size === 0) await this.destroy();
    return out;
  }

  private select(rels?: string[]): JournalEntry[] {
    const all = this.list();
    if (!rels) return all;
    const want = new Set(rels.map((r) => r.replace(/\\/g, '/').replace(/^\.\//, '')));
    return all.filter((e) => want.has(e.path));
  }

  private async drop(e: JournalEntry): Promise<void> {
    this.entries.delete(e.abs);
    await fs.rm(path.join(this.dir, 'entries', `${e.id}.json`), { force: true });
    await fs.rm(this.blobPath(e), { force: true });
    await fs.rm(`${this.blobPath(e)}.after`, { force: true });
    await fs.rm(`${this.blobPath(e)}.gone`, { force: true });
  }

  /** Hunk review: the checkpoint of `e` becomes `bytes` (the accepted hunks are part of it now). */
  async setOriginal(e: JournalEntry, bytes: Buffer): Promise<void> {
    await writeDurable(this.blobPath(e), bytes);
    e.size = bytes.length;
  }

  /** The run made `abs` a symbolic link to `target` (journaled with before(); the path did not exist). */
  async noteLink(abs: string, target: string): Promise<void> {
    const e = this.entries.get(abs);
    if (!e) return;
    e.link = target;
    await writeDurable(path.join(this.dir, 'entries', `${e.id}.json`), JSON.stringify(e));
  }

  /** Drops one entry whose change is fully decided (all its hunks accepted or rejected). */
  async settle(e: JournalEntry): Promise<void> {
    await this.drop(e);
    if (this.entries.size === 0) await this.destroy();
  }

  /** Removes the journal from disk. */
  async destroy(): Promise<void> {
    this.entries.clear();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/** Folders between `root` and `dir` that do not exist yet, shallowest first. */
async function missingDirs(dir: string, root: string): Promise<string[]> {
  const out: string[] = [];
  let cur = dir;
  while (cur.startsWith(root) && cur !== root) {
    const st = await fs.stat(cur).catch(() => undefined);
    if (st) break;
    out.unshift(cur);
    cur = path.dirname(cur);
  }
  return out;
}
