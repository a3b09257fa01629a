// createWorkspace: the sandboxed root plus the editor's buffers, as tools see it. Every read and
// write goes through the edit engine; views add the agent (versions) and the run (journal).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RunStatus } from '../protocol';
import type { DocumentStore, EditResult, RunWorkspace, StringEdit, Workspace } from './types';
import { resolveInRoot, type ResolvedPath } from './sandbox';
import { EditEngine, type EditScope, type EngineDocuments } from './edit-engine';
import type { ClientEdits } from './client-edits';
import type { MoveOutcome } from './file-ops';
import { journalStoreFor } from './journal-store';
import { putRaw, type RawContent } from './raw-put';
import { journalCommand, type CommandChanges } from './command-journal';
import { linkFarm, MultiRoot, rootNames, type Root, type RootSpec } from './roots';
import { journalBaseDir } from './journal-store';

export interface WorkspaceOptions {
  /** Applies edits to open buffers with unsaved changes (workspace/applyEdit). */
  client?: ClientEdits;
  /** Short-lived (a sub-agent's worktree): not registered for engineFor, so nothing keeps it alive. */
  ephemeral?: boolean;
  /** Internal (bench baseline): false refuses every stale edit, as before rebasing existed. */
  rebaseStaleEdits?: boolean;
}

/**
 * A workspace over one root, or over several (multi-root: tool paths start with the folder's
 * name; see roots.ts). The same folder given twice counts once; one root behaves as before.
 */
export async function createWorkspace(root: string | RootSpec[], documents: DocumentStore, opts: WorkspaceOptions = {}): Promise<Workspace> {
  const specs = typeof root === 'string' ? [{ path: root }] : root;
  if (specs.length === 0) throw new Error('A workspace needs at least one folder');
  const names = rootNames(specs);
  const roots: Root[] = [];
  for (const [i, spec] of specs.entries()) {
    const given = path.resolve(spec.path);
    const real = await realDir(given);
    if (!roots.some((r) => r.real === real)) roots.push({ name: names[i], real, aliases: given === real ? [] : [given] });
  }
  let core: Core;
  if (roots.length === 1) {
    const { real, aliases } = roots[0];
    const relative = (abs: string) => {
      const rel = path.relative(real, abs);
      return rel === '' ? '.' : rel.split(path.sep).join('/');
    };
    const resolve = (p: string): Promise<ResolvedPath> => resolveInRoot(real, p, aliases);
    const engine = new EditEngine({ root: real, documents: documents as EngineDocuments, resolve, relative, client: opts.client, rebase: opts.rebaseStaleEdits });
    core = { root: real, documents, engine, resolve, relative };
  } else {
    const farm = await linkFarm(process.env.SWARMCODE_ROOTS_DIR ?? path.join(journalBaseDir(), '.roots'), roots);
    const multi = new MultiRoot(farm, roots);
    const resolve = (p: string) => multi.resolve(p);
    const relative = (abs: string) => multi.relative(abs);
    const rootOf = (abs: string) => multi.rootOf(abs)?.real;
    const engine = new EditEngine({ root: farm, rootOf, documents: documents as EngineDocuments, resolve, relative, client: opts.client, rebase: opts.rebaseStaleEdits });
    core = { root: farm, documents, engine, resolve, relative, multi };
  }
  if (!opts.ephemeral) {
    engines.set(core.root, core.engine);
    // Temp files of a server killed mid-write (they would block removing folders on restore).
    const store = journalStoreFor(core.root, journalRoots(core));
    await store.sweep().catch(() => 0);
    // Objects of command snapshots left by earlier servers (in the background).
    void store.pruneSnapshots();
  }
  return new WorkspaceView(core, {});
}

async function realDir(given: string): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(given);
  } catch (err) {
    throw new Error(`Workspace root ${given} is not accessible: ${(err as Error).message}`);
  }
  if (!(await fs.stat(real)).isDirectory()) throw new Error(`Workspace root ${given} is not a directory`);
  return real;
}

/** The roots a multi-root workspace's journals record. */
function journalRoots(core: Core): { name: string; real: string }[] | undefined {
  return core.multi?.roots.map((r) => ({ name: r.name, real: r.real }));
}

/** The engine of a workspace created in this process (rollback uses its locks and client). */
export function engineFor(root: string): EditEngine | undefined {
  return engines.get(root);
}
const engines = new Map<string, EditEngine>();

interface Core {
  /** The one root; with several, the folder of links to them (see roots.ts). */
  root: string;
  multi?: MultiRoot;
  documents: DocumentStore;
  engine: EditEngine;
  resolve(p: string): Promise<ResolvedPath>;
  relative(abs: string): string;
}

class WorkspaceView implements Workspace {
  constructor(
    protected readonly core: Core,
    protected readonly scope: EditScope & { runId?: string },
  ) {}

  get root(): string {
    return this.core.root;
  }

  get documents(): DocumentStore {
    return this.core.documents;
  }

  get roots(): readonly string[] {
    return this.core.multi ? this.core.multi.roots.map((r) => r.real) : [this.core.root];
  }

  get folders(): readonly string[] | undefined {
    return this.core.multi?.names;
  }

  async resolve(p: string): Promise<string> {
    return (await this.core.resolve(p)).real;
  }

  relative(absPath: string): string {
    return this.core.relative(absPath);
  }

  readText(p: string, signal?: AbortSignal): Promise<string> {
    return this.core.engine.read(this.scope, p, signal);
  }

  async writeText(p: string, content: string, signal?: AbortSignal): Promise<void> {
    await this.core.engine.write(this.scope, p, content, signal);
  }

  editText(p: string, edit: StringEdit, signal?: AbortSignal): Promise<EditResult> {
    return this.core.engine.edit(this.scope, p, edit, signal);
  }

  deleteFile(p: string, signal?: AbortSignal): Promise<void> {
    return this.core.engine.remove(this.scope, p, signal);
  }

  putRaw(p: string, raw: RawContent): Promise<void> {
    const { root, engine, resolve, relative, multi } = this.core;
    return putRaw({ root, rootOf: (abs) => multi?.rootOf(abs)?.real, locks: engine.locks, resolve, relative }, this.scope, p, raw);
  }

  async journalCommand<T>(fn: () => Promise<T>, opts: { fenced?: (shown: string) => boolean } = {}): Promise<CommandChanges<T>> {
    const journal = this.scope.journal;
    if (!journal) return { value: await fn(), changed: [] };
    const multi = this.core.multi;
    const roots = multi ? multi.roots.map((r) => ({ dir: r.real, prefix: `${r.name}/` })) : [{ dir: this.core.root, prefix: '' }];
    const engine = this.core.engine;
    return journalCommand(roots, journal, fn, { ...opts, lock: (abs, f) => engine.withLock(abs, f) });
  }

  moveFile(from: string, to: string, opts: { overwrite?: boolean } = {}, signal?: AbortSignal): Promise<MoveOutcome> {
    return this.core.engine.move(this.scope, from, to, opts.overwrite ?? false, signal);
  }

  forAgent(agentId: string): Workspace {
    const agent = `${this.scope.runId ?? '-'}/${agentId}`;
    this.core.engine.versions.start(agent);
    return new WorkspaceView(this.core, { ...this.scope, agent });
  }

  forRun(runId: string, task: string): RunWorkspace {
    const journal = journalStoreFor(this.core.root, journalRoots(this.core)).create(runId, task);
    return new RunView(this.core, { journal, runId });
  }
}

class RunView extends WorkspaceView implements RunWorkspace {
  get runId(): string {
    return this.scope.runId!;
  }

  async close(status: RunStatus): Promise<void> {
    this.core.engine.versions.forget(`${this.runId}/`);
    const journal = this.scope.journal;
    if (!journal) return;
    const store = journalStoreFor(this.core.root);
    await journal.finish(status, (abs) => store.othersTouch(journal, abs));
    if (journal.list().length === 0) journalStoreFor(this.core.root).forget(this.runId);
  }
}
