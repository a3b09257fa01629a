// Keeps the index current without a client: one non-recursive fs.watch per directory ripgrep
// walks (inotify on Linux), changed paths batched and handed to the index. The server also
// forwards the client's workspace/didChangeWatchedFiles; both paths are idempotent.
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';

export class DirWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private scheduled = false;
  private full = false;
  private closed = false;
  /** False once a folder could not be watched (too many folders, out of inotify watches). */
  complete = true;

  constructor(
    private readonly root: string,
    private readonly onChange: (absPaths: string[]) => void,
    private readonly log: Logger,
    private readonly max = 50_000,
  ) {}

  /** Watches a workspace-relative directory ('.' for the root). */
  watch(rel: string): void {
    if (this.closed || this.watchers.has(rel)) return;
    if (this.watchers.size >= this.max) {
      this.incomplete(`more than ${this.max} folders`);
      return;
    }
    const abs = rel === '.' ? this.root : join(this.root, rel);
    try {
      const w = watch(abs, { persistent: false }, (_ev, name) => {
        if (!name || name === '.git') return;
        this.pending.add(join(abs, name.toString()));
        if (!this.scheduled) {
          this.scheduled = true;
          setImmediate(() => this.drain());
        }
      });
      w.on('error', () => {
        w.close();
        this.watchers.delete(rel);
      });
      this.watchers.set(rel, w);
    } catch (err) {
      // A folder that is gone already is fine; anything else (ENOSPC: out of inotify watches)
      // means changes there would go unseen.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.incomplete((err as Error).message);
    }
  }

  private incomplete(why: string): void {
    this.complete = false;
    if (!this.full) this.log.info(`search: cannot watch every folder (${why}); the index is not trusted, ripgrep answers`);
    this.full = true;
  }

  /** Hands queued changes to the index now. */
  drain(): void {
    this.scheduled = false;
    if (!this.pending.size) return;
    const paths = [...this.pending];
    this.pending.clear();
    this.onChange(paths);
  }

  get size(): number {
    return this.watchers.size;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.pending.clear();
  }
}
