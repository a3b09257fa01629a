// The one edit engine behind edit_file and write_file (and every Workspace write):
// - per-agent read versions: a change based on a version the agent has not seen is refused, except
//   an edit_file whose lines nobody else changed: it is rebased onto the current version (rebase.ts);
// - one file's edits are serialized (per-path mutex), so concurrent agents never lose updates;
// - writes are atomic (temp + rename) and keep mode, BOM, encoding and CRLF line endings;
// - legacy encodings (GB18030, Shift-JIS, EUC-KR, Windows-1252, …) are detected and kept; binary,
//   undetermined encodings and oversized files are refused with a message the model can act on;
// - documents open with unsaved changes are edited through the client (workspace/applyEdit);
// - a run's journal records each file's original bytes before its first write.
import { ToolError } from './tool-error';
import { isInGitDir } from '../sandbox/paths';
import type { DocumentStore } from './types';
import type { ResolvedPath } from './sandbox';
import type { RunJournal } from './journal';
import type { RevertPlan } from './journal-restore';
import type { ClientEdits } from './client-edits';
import { KeyedMutex } from './mutex';
import { rootFor } from './roots';
import { VersionTracker, type StaleReason } from './versions';
import { applyEol, decodeText, detectEol, encodeText, toCrlf, toLf, DEFAULT_FORMAT, type TextFormat } from './encoding';
import { MAX_TEXT_BYTES, throwIfAborted, mib } from './files';
import { readAt, writeInside } from './safe-fs';
import { applyStringEdit, type EditResult, type StringEdit } from './edits';
import { rebaseStringEdit, type RebaseRefusal } from './rebase';
import { deleteFile, moveFile, type MoveOutcome, type OpsHost } from './file-ops';

/** Who is writing: an agent of a run (versions checked, journal kept) or plain server code. */
export interface EditScope {
  /** Unique across runs, e.g. `<runId>/<agentId>`; absent = no version checks. */
  agent?: string;
  journal?: RunJournal;
}

/** Optional hooks a DocumentStore may offer (EditorDocuments does). */
export interface EngineDocuments extends DocumentStore {
  wroteToDisk?(absPath: string, text: string): void;
  appliedEdit?(absPath: string, text: string): void;
}

export interface CoreDeps {
  /** Real path of the workspace root: writes never leave it, even through a racing symlink swap. */
  root: string;
  /** Multi-root: the real root that contains `abs` (reads and writes stay inside that one). */
  rootOf?(abs: string): string | undefined;
  documents: EngineDocuments;
  resolve(p: string): Promise<ResolvedPath>;
  relative(abs: string): string;
  client?: ClientEdits;
  /**
   * Rebase stale edit_file calls whose region is unchanged (default true). Internal: the bench turns
   * it off (also via SWARMCODE_BENCH_REFUSE_STALE=1) to measure the old refuse-every-stale-edit engine.
   */
  rebase?: boolean;
}

interface Current {
  /** Text as the agent sees it (open buffer, else disk), BOM stripped, line endings as stored. */
  text: string;
  format: TextFormat;
  /** Open with unsaved changes: changes go through the client. */
  dirty: boolean;
  exists: boolean;
  /** Disk bytes were not valid UTF-8: shown lossily, never written back. */
  lossy?: boolean;
}

export interface WriteOutcome {
  shown: string;
  created: boolean;
  bytes: number;
  /** Went to the editor buffer via workspace/applyEdit. */
  viaEditor: boolean;
}

export class EditEngine {
  readonly versions = new VersionTracker();
  readonly locks = new KeyedMutex();

  private readonly rebase: boolean;

  constructor(private readonly deps: CoreDeps) {
    this.rebase = deps.rebase ?? process.env.SWARMCODE_BENCH_REFUSE_STALE !== '1';
  }

  async read(scope: EditScope, p: string, signal?: AbortSignal): Promise<string> {
    throwIfAborted(signal);
    const r = await this.deps.resolve(p);
    const cur = await this.current(r, signal, false);
    if (!cur.exists) throw notFound(this.deps.relative(r.real));
    this.versions.noteRead(scope.agent, r.real, cur.text);
    return cur.text;
  }

  async edit(scope: EditScope, p: string, edit: StringEdit, signal?: AbortSignal): Promise<EditResult & WriteOutcome> {
    return this.locked(p, signal, async (r, shown, cur) => {
      if (!cur.exists) throw notFound(shown);
      const why = this.versions.check(scope.agent, r.real, cur.text, false);
      if (!why) {
        const result = applyToFormat(cur, edit, shown);
        const out = await this.commit(scope, r, shown, cur, result.text, signal);
        return { ...result, ...out };
      }
      // Stale: rebase onto the current version when the edit's lines are untouched.
      const read = why.kind === 'changed' && this.rebase ? this.versions.seenText(scope.agent, r.real) : undefined;
      if (read === undefined) throw staleError(shown, why, scope.agent);
      const result = applyToFormat(cur, edit, shown, read);
      if (typeof result === 'string') throw staleError(shown, why, scope.agent, result);
      // What the agent now believes the file is: its read plus its edit (not the others' changes).
      const believed = applyToFormat({ ...cur, text: read }, edit, shown).text;
      const out = await this.commit(scope, r, shown, cur, result.text, signal, believed);
      return { ...result, ...out, rebased: true };
    });
  }

  async write(scope: EditScope, p: string, content: string, signal?: AbortSignal): Promise<WriteOutcome> {
    return this.locked(p, signal, async (r, shown, cur) => {
      if (cur.exists) this.checkVersion(scope, r.real, shown, cur.text, true);
      const text = cur.exists ? applyEol(content, cur.format.eol) : content;
      return this.commit(scope, r, shown, cur, text, signal);
    });
  }

  /**
   * Deletes a file (a text file only after a read of its current version), journaled first so
   * reject restores it; refused for a document with unsaved changes (file-ops.ts).
   */
  remove(scope: EditScope, p: string, signal?: AbortSignal): Promise<void> {
    return deleteFile(this.ops, scope, p, signal);
  }

  /** Moves one file (copy + delete through pinned folders), journaled; see file-ops.ts. */
  move(scope: EditScope, from: string, to: string, overwrite: boolean, signal?: AbortSignal): Promise<MoveOutcome> {
    return moveFile(this.ops, scope, from, to, overwrite, signal);
  }

  private get ops(): OpsHost {
    return { deps: this.deps, versions: this.versions, locks: this.locks, stale: staleError };
  }

  /** Resolves `p`, takes its edit lock and runs `fn` with its current state (editor buffer or disk). */
  private async locked<T>(p: string, signal: AbortSignal | undefined, fn: (r: ResolvedPath, shown: string, cur: Current) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    const r = await this.deps.resolve(p);
    const shown = this.deps.relative(r.real);
    // .git/ (config, hooks) makes git run programs: never written, whatever the caller.
    if (isInGitDir(shown) || isInGitDir(this.deps.relative(r.lexical))) throw new ToolError(`Refused to write ${shown}: SwarmCode never writes under .git/.`);
    return this.locks.run(r.real, async () => fn(r, shown, await this.current(r, signal, true)), signal);
  }

  /**
   * Rollback of a change that went into an editor buffer: `plan` decides from the buffer's text
   * (the run's change undone, three-way when the buffer changed since), the client applies it.
   * Undefined when the document is not open or the client cannot apply edits.
   */
  async restoreBuffer(abs: string, plan: (current: Buffer) => Promise<RevertPlan>): Promise<RevertPlan | undefined> {
    const docs = this.deps.documents;
    const cur = docs.get(abs);
    const client = this.deps.client;
    if (cur === undefined || !client?.supported) return undefined;
    const p = await plan(Buffer.from(cur, 'utf8'));
    if (p.kind !== 'restore' && p.kind !== 'merge') return p;
    if (p.bytes === null) return { kind: 'skip', reason: 'the run\'s change is in an editor buffer; close the document first' };
    const text = p.bytes.toString('utf8');
    if (cur === text) return p;
    const res = await client.apply(abs, cur, text, `SwarmCode: restore ${this.deps.relative(abs)}`);
    if (!res.applied) return { kind: 'skip', reason: `the editor did not apply the restore${res.failureReason ? ` (${res.failureReason})` : ''}` };
    docs.appliedEdit?.(abs, text);
    return p;
  }

  /** Runs `fn` holding the edit lock of `abs` (used by rollback). */
  withLock<T>(abs: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(abs, fn);
  }

  private checkVersion(scope: EditScope, abs: string, shown: string, text: string, mustHaveRead: boolean): void {
    const why = this.versions.check(scope.agent, abs, text, mustHaveRead);
    if (why) throw staleError(shown, why, scope.agent);
  }

  private async current(r: ResolvedPath, signal: AbortSignal | undefined, forWrite: boolean): Promise<Current> {
    const docs = this.deps.documents;
    const open = docs.get(r.real) ?? docs.get(r.lexical);
    const dirty = open !== undefined && (docs.isDirty(r.real) || docs.isDirty(r.lexical));
    const shown = this.deps.relative(r.real);
    if (dirty) return { text: open, format: { ...DEFAULT_FORMAT, eol: detectEol(open) }, dirty, exists: true };
    // One descriptor, no symlink followed on the way: a folder swapped for a symlink is refused.
    const got = await readAt(rootFor(this.deps, r.real), r.real, shown, MAX_TEXT_BYTES, signal);
    if (got.kind === 'missing') {
      // Open in the editor but not (or no longer) on disk: the buffer is the file; a write creates it.
      if (open !== undefined) return { text: open, format: DEFAULT_FORMAT, dirty: false, exists: true };
      return { text: '', format: DEFAULT_FORMAT, dirty: false, exists: false };
    }
    if (got.kind === 'dir') {
      throw new ToolError(forWrite ? `${shown} is a directory; cannot write a file there.` : `${shown} is a directory, not a file. Use list_files to see its contents.`);
    }
    if (got.kind === 'other') throw new ToolError(`${shown} is not a regular file.`);
    if (got.kind === 'big') {
      throw new ToolError(
        forWrite
          ? `${shown} is ${mib(got.size)}, over the ${mib(MAX_TEXT_BYTES)} limit for editing; SwarmCode will not rewrite it. Use run_command (e.g. sed) for targeted changes.`
          : `${shown} is ${mib(got.size)}, over the ${mib(MAX_TEXT_BYTES)} limit for reading whole files. Use grep to find the part you need, or run_command with head/tail/sed to read a slice.`,
      );
    }
    const buf = got.bytes;
    let decoded;
    try {
      decoded = decodeText(buf, shown);
    } catch (err) {
      if (!forWrite && err instanceof ToolError && /not valid UTF-8/.test(err.message)) {
        return { text: buf.toString('utf8'), format: DEFAULT_FORMAT, dirty: false, exists: true, lossy: true };
      }
      throw err;
    }
    return { text: open ?? decoded.text, format: decoded.format, dirty: false, exists: true };
  }

  private async commit(scope: EditScope, r: ResolvedPath, shown: string, cur: Current, text: string, signal?: AbortSignal, believed = text): Promise<WriteOutcome> {
    throwIfAborted(signal);
    const docs = this.deps.documents;
    if (cur.dirty) {
      const client = this.deps.client;
      if (!client?.supported) {
        throw new ToolError(
          `${shown} has unsaved changes in the editor and this client cannot apply edits to open buffers. Ask the user to save or revert it, then try again.`,
        );
      }
      await scope.journal?.before(r.real, shown, cur.text);
      const res = await client.apply(r.real, cur.text, text, `SwarmCode: edit ${shown}`);
      if (!res.applied) {
        throw new ToolError(
          `The editor did not apply the edit to ${shown}${res.failureReason ? ` (${res.failureReason})` : ''}; the user may have declined it or the buffer changed. Re-read the file with read_file before trying again.`,
        );
      }
      docs.appliedEdit?.(r.real, text);
      await scope.journal?.after(r.real, Buffer.from(text, 'utf8'));
      this.versions.noteWrite(scope.agent, r.real, text, believed);
      return { shown, created: false, bytes: Buffer.byteLength(text, 'utf8'), viaEditor: true };
    }
    const bytes = encodeText(text, cur.format, shown);
    if (bytes.length > MAX_TEXT_BYTES) {
      throw new ToolError(`The new content of ${shown} would be ${mib(bytes.length)}, over the ${mib(MAX_TEXT_BYTES)} limit; write it in smaller files.`);
    }
    await scope.journal?.before(r.real, shown);
    await writeInside(rootFor(this.deps, r.real), r.real, shown, bytes, { signal });
    await scope.journal?.after(r.real, bytes);
    docs.wroteToDisk?.(r.real, text);
    if (r.lexical !== r.real) docs.wroteToDisk?.(r.lexical, text);
    this.versions.noteWrite(scope.agent, r.real, text, believed);
    return { shown, created: !cur.exists, bytes: bytes.length, viaEditor: false };
  }
}

/**
 * Applies the model's `\n`-based edit to a file in its own line-ending style. With `read` (the
 * stale version the agent saw, same style), rebases it instead: a RebaseRefusal when it cannot.
 */
function applyToFormat(cur: Current, edit: StringEdit, shown: string): EditResult;
function applyToFormat(cur: Current, edit: StringEdit, shown: string, read: string): EditResult | RebaseRefusal;
function applyToFormat(cur: Current, edit: StringEdit, shown: string, read?: string): EditResult | RebaseRefusal {
  if (cur.lossy) throw new ToolError(`${shown} is not valid UTF-8; SwarmCode will not edit it because writing it back would corrupt it.`);
  const apply = (text: string, e: StringEdit, base?: string) => (base === undefined ? applyStringEdit(text, e, shown) : rebaseStringEdit(base, text, e, shown));
  const crlfEdit = { ...edit, oldString: toCrlf(edit.oldString), newString: toCrlf(edit.newString) };
  if (cur.format.eol === 'crlf') {
    const r = apply(toLf(cur.text), { ...edit, oldString: toLf(edit.oldString), newString: toLf(edit.newString) }, read === undefined ? undefined : toLf(read));
    return typeof r === 'string' ? r : { ...r, text: toCrlf(r.text) };
  }
  // Mixed line endings: the model's `\n` may stand for `\r\n` in this part of the file.
  const mixed = edit.oldString.includes('\n') && cur.text.includes('\r\n');
  if (read !== undefined) {
    const r = apply(cur.text, edit, read);
    return r === 'ambiguous' && mixed ? apply(cur.text, crlfEdit, read) : r;
  }
  try {
    return applyStringEdit(cur.text, edit, shown);
  } catch (err) {
    if (!(err instanceof ToolError) || !mixed || !/not found/.test(err.message)) throw err;
    return applyStringEdit(cur.text, crlfEdit, shown);
  }
}

function notFound(shown: string): ToolError {
  return new ToolError(`File not found: ${shown}. Use list_files to see which files exist.`);
}

function staleError(shown: string, why: StaleReason, agent?: string, rebase?: RebaseRefusal): ToolError {
  if (why.kind === 'unread') {
    return new ToolError(`${shown} already exists and you have not read it. Read it with read_file first: write_file replaces the whole file (and delete_file or move_file with overwrite removes it).`);
  }
  const by = why.by ? (why.by.split('/').slice(1).join('/') || why.by) : undefined;
  const mine = agent ? agent.split('/').slice(1).join('/') : undefined;
  const who = by && by !== mine ? `another agent (${by})` : 'someone else (another agent, the user or a command)';
  const detail =
    rebase === 'overlap'
      ? ', and their change touches the lines your old_string matched'
      : rebase === 'ambiguous'
        ? ', and old_string no longer matches exactly once where it was'
        : '';
  return new ToolError(`${shown} was changed by ${who} since you last read it${detail}, so this edit was refused to avoid overwriting their change. Re-read it with read_file and make your edit against the current content.`);
}
