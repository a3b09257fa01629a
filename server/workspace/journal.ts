// Checkpoint journal: before a run first writes a file, the file's original bytes (or its absence)
// are written and fsynced outside the workspace. Rolling back restores exactly those files, byte for
// byte, and deletes what the run created. Cost grows with the files touched, never the tree size;
// git refs, the index and files the run did not write are never touched.
//
// Layout (see journal-store.ts for where <dir> lives):
//   <dir>/manifest.json          {runId, root, pid, task, startedAt, state, status?, finishedAt?}
//   <dir>/entries/<n>.json       one per touched file, written (fsync) before the file's first write
//   <dir>/blobs/<n>              the file's original bytes (absent when the file did not exist)
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RunStatus } from '../protocol';
import { readJson, syncDir, writeDurable } from './durable';

export interface JournalManifest {
  version: 1;
  runId: string;
  root: string;
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
}

export interface RestoreOutcome {
  restored: string[];
  removed: string[];
  skipped: { path: string; reason: string }[];
}

/** Restores an editor buffer to `text` (workspace/applyEdit); false when it cannot. */
export type BufferRestorer = (abs: string, text: string) => Promise<boolean>;
/** Runs `fn` holding the edit lock of `abs`. */
export type PathLock = <T>(abs: string, fn: () => Promise<T>) => Promise<T>;

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

  static create(dir: string, root: string, runId: string, task: string): RunJournal {
    return new RunJournal(dir, { version: 1, runId, root, pid: process.pid, task: task.slice(0, 500), startedAt: Date.now(), state: 'active' });
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
   */
  async before(abs: string, rel: string, bufferText?: string): Promise<void> {
    if (this.entries.has(abs)) return;
    let p = this.pending.get(abs);
    if (!p) {
      p = this.capture(abs, rel, bufferText);
      this.pending.set(abs, p);
    }
    try {
      this.entries.set(abs, await p);
    } finally {
      this.pending.delete(abs);
    }
  }

  private async capture(abs: string, rel: string, bufferText?: string): Promise<JournalEntry> {
    await this.ensureCreated();
    const id = this.nextId++;
    const entry: JournalEntry = { id, path: rel, abs, existed: false };
    if (bufferText !== undefined) {
      entry.existed = true;
      entry.buffer = true;
      await writeDurable(this.blobPath(entry), Buffer.from(bufferText, 'utf8'));
    } else {
      const st = await fs.lstat(abs).catch(() => undefined);
      if (st?.isFile()) {
        const bytes = await fs.readFile(abs);
        entry.existed = true;
        entry.mode = st.mode & 0o7777;
        entry.size = bytes.length;
        await writeDurable(this.blobPath(entry), bytes);
      } else if (!st) {
        entry.createdDirs = await missingDirs(path.dirname(abs), this.manifest.root);
      }
    }
    await writeDurable(path.join(this.dir, 'entries', `${id}.json`), JSON.stringify(entry));
    return entry;
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
    })();
    return this.creating;
  }
  private creating?: Promise<void>;

  /** Marks the run over; the journal stays for review / undo until accepted or rejected. */
  async finish(status: RunStatus): Promise<void> {
    this.manifest = { ...this.manifest, state: 'finished', status, finishedAt: Date.now() };
    if (!this.created) return;
    if (this.entries.size === 0) return this.destroy();
    await writeDurable(path.join(this.dir, 'manifest.json'), JSON.stringify(this.manifest));
  }

  /** Keeps the current contents of `rels` (all when absent): their entries are dropped. */
  async accept(rels?: string[]): Promise<string[]> {
    const chosen = this.select(rels);
    for (const e of chosen) await this.drop(e);
    if (this.entries.size === 0) await this.destroy();
    return chosen.map((e) => e.path);
  }

  /** Restores `rels` (all when absent) to their journaled state, newest first. */
  async rollback(rels: string[] | undefined, lock: PathLock, restoreBuffer?: BufferRestorer): Promise<RestoreOutcome> {
    const out: RestoreOutcome = { restored: [], removed: [], skipped: [] };
    const chosen = this.select(rels).reverse();
    for (const e of chosen) {
      const done = await lock(e.abs, () => this.restoreOne(e, out, restoreBuffer));
      if (done) await this.drop(e);
    }
    if (this.entries.size === 0) await this.destroy();
    return out;
  }

  private async restoreOne(e: JournalEntry, out: RestoreOutcome, restoreBuffer?: BufferRestorer): Promise<boolean> {
    if (e.buffer) {
      const text = (await fs.readFile(this.blobPath(e))).toString('utf8');
      if (restoreBuffer && (await restoreBuffer(e.abs, text))) {
        out.restored.push(e.path);
        return true;
      }
      out.skipped.push({ path: e.path, reason: 'the change is in an editor buffer and the client could not restore it; use Undo in the editor' });
      return false;
    }
    if (e.existed) {
      const bytes = await fs.readFile(this.blobPath(e));
      const cur = await fs.readFile(e.abs).catch(() => undefined);
      const st = await fs.lstat(e.abs).catch(() => undefined);
      if (!cur || !cur.equals(bytes) || (st && (st.mode & 0o7777) !== e.mode)) {
        await fs.mkdir(path.dirname(e.abs), { recursive: true });
        const tmp = path.join(path.dirname(e.abs), `.${path.basename(e.abs)}.swarmcode-restore-${randomBytes(4).toString('hex')}.tmp`);
        await fs.writeFile(tmp, bytes, { mode: e.mode ?? 0o644 });
        if (e.mode !== undefined) await fs.chmod(tmp, e.mode);
        await fs.rename(tmp, e.abs);
      }
      out.restored.push(e.path);
      return true;
    }
    const st = await fs.lstat(e.abs).catch(() => undefined);
    if (st && !st.isDirectory()) await fs.rm(e.abs, { force: true });
    for (const d of [...(e.createdDirs ?? [])].reverse()) await fs.rmdir(d).catch(() => undefined);
    out.removed.push(e.path);
    return true;
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
