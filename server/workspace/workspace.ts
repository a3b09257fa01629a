// createWorkspace: the sandboxed root plus the editor's buffers, as tools see it.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ToolError } from '../tools/types';
import type { DocumentStore, Workspace } from './types';
import { resolveInRoot, type ResolvedPath } from './sandbox';
import { readTextFile, throwIfAborted, writeFileAtomic } from './files';

/** Optional hook a DocumentStore may offer: told after the workspace wrote a file. */
interface WriteAwareStore extends DocumentStore {
  wroteToDisk?(absPath: string, text: string): void;
}

export async function createWorkspace(root: string, documents: DocumentStore): Promise<Workspace> {
  const given = path.resolve(root);
  let real: string;
  try {
    real = await fs.realpath(given);
  } catch (err) {
    throw new Error(`Workspace root ${given} is not accessible: ${(err as Error).message}`);
  }
  if (!(await fs.stat(real)).isDirectory()) throw new Error(`Workspace root ${given} is not a directory`);
  return new SandboxedWorkspace(real, given === real ? [] : [given], documents as WriteAwareStore);
}

class SandboxedWorkspace implements Workspace {
  constructor(
    readonly root: string,
    private readonly aliases: string[],
    readonly documents: WriteAwareStore,
  ) {}

  async resolve(p: string): Promise<string> {
    return (await this.resolveBoth(p)).real;
  }

  relative(absPath: string): string {
    const rel = path.relative(this.root, absPath);
    return rel === '' ? '.' : rel.split(path.sep).join('/');
  }

  async readText(p: string, signal?: AbortSignal): Promise<string> {
    throwIfAborted(signal);
    const r = await this.resolveBoth(p);
    const open = this.openText(r);
    if (open !== undefined) return open;
    return readTextFile(r.real, this.relative(r.real), signal);
  }

  async writeText(p: string, content: string, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    const r = await this.resolveBoth(p);
    const shown = this.relative(r.real);
    if (this.documents.isDirty(r.real) || this.documents.isDirty(r.lexical)) {
      // Writing under a dirty buffer would silently fork disk and editor; refuse instead.
      throw new ToolError(
        `${shown} has unsaved changes in the editor. Ask the user to save or revert it, then try again.`,
      );
    }
    await writeFileAtomic(r.real, shown, content, signal);
    this.documents.wroteToDisk?.(r.real, content);
    if (r.lexical !== r.real) this.documents.wroteToDisk?.(r.lexical, content);
  }

  private resolveBoth(p: string): Promise<ResolvedPath> {
    return resolveInRoot(this.root, p, this.aliases);
  }

  private openText(r: ResolvedPath): string | undefined {
    return this.documents.get(r.real) ?? this.documents.get(r.lexical);
  }
}
