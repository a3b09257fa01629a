// Deleting and moving files for delete_file / move_file, on the edit engine's locks, versions and
// race-free file access (safe-fs), journaled first so reject puts back the bytes and the mode.
// Refused for documents open with unsaved changes (the editor's buffer would outlive the file).
// Binary files may be deleted and moved; text ones need a read of their current version to be
// deleted or overwritten (as write_file), and a move of a text file changed since it was read is
// refused.
import * as path from 'node:path';
import { ToolError } from './tool-error';
import type { ResolvedPath } from './sandbox';
import type { EditScope, CoreDeps } from './edit-engine';
import type { KeyedMutex } from './mutex';
import type { StaleReason, VersionTracker } from './versions';
import { decodeText } from './encoding';
import { readAt, removeInside, writeInside, type ReadOutcome } from './safe-fs';
import { mib, throwIfAborted } from './files';
import { rootFor } from './roots';

/** Files moved are read whole (copy + delete, through the pinned folders); above this: run_command. */
export const MAX_MOVE_BYTES = 64 * 1024 * 1024;

export interface OpsHost {
  deps: CoreDeps & { root: string };
  versions: VersionTracker;
  locks: KeyedMutex;
  stale(shown: string, why: StaleReason, agent?: string): ToolError;
}

export async function deleteFile(host: OpsHost, scope: EditScope, p: string, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  const r = await host.deps.resolve(p);
  const shown = host.deps.relative(r.real);
  refuseRoot(host, r, p);
  await host.locks.run(
    r.real,
    async () => {
      refuseDirty(host, r, shown, 'delete');
      const got = await readAt(rootFor(host.deps, r.real), r.real, shown, MAX_MOVE_BYTES, signal);
      requireFile(got, shown, 'delete_file deletes one file; use run_command for folders');
      if (got.kind === 'file') checkText(host, scope, r.real, shown, got.bytes, true);
      throwIfAborted(signal);
      await scope.journal?.before(r.real, shown);
      await removeInside(rootFor(host.deps, r.real), r.real, shown);
      await scope.journal?.after(r.real, null);
      host.versions.noteWrite(scope.agent, r.real, '');
    },
    signal,
  );
}

export interface MoveOutcome {
  from: string;
  to: string;
  bytes: number;
  overwrote: boolean;
}

export async function moveFile(host: OpsHost, scope: EditScope, from: string, to: string, overwrite: boolean, signal?: AbortSignal): Promise<MoveOutcome> {
  throwIfAborted(signal);
  const rf = await host.deps.resolve(from);
  const rt = await host.deps.resolve(to);
  const [sf, st] = [host.deps.relative(rf.real), host.deps.relative(rt.real)];
  refuseRoot(host, rf, from);
  refuseRoot(host, rt, to);
  if (rf.real === rt.real) throw new ToolError(`${sf} and ${st} are the same file; nothing to move.`);
  if (rf.lexical !== rf.real) throw new ToolError(`${from} is a symlink (or inside a symlinked folder) to ${sf}; move it with run_command (mv) so the link itself is moved.`);
  if (rt.real.startsWith(rf.real + path.sep)) throw new ToolError(`Cannot move ${sf} into itself (${st}).`);
  // Both locks, in a fixed order (no deadlock with a move the other way).
  const [a, b] = [rf.real, rt.real].sort();
  return host.locks.run(a, () => host.locks.run(b, async () => {
    refuseDirty(host, rf, sf, 'move');
    refuseDirty(host, rt, st, 'overwrite');
    const src = await readAt(rootFor(host.deps, rf.real), rf.real, sf, MAX_MOVE_BYTES, signal);
    requireFile(src, sf, 'move_file moves one file; use run_command (mv) for folders');
    if (src.kind !== 'file') throw new ToolError(`${sf} is ${mib((src as { size: number }).size)}, over the ${mib(MAX_MOVE_BYTES)} limit for move_file; use run_command (mv).`);
    const text = checkText(host, scope, rf.real, sf, src.bytes, false);
    const dst = await readAt(rootFor(host.deps, rt.real), rt.real, st, MAX_MOVE_BYTES, signal);
    if (dst.kind === 'dir') throw new ToolError(`${st} is a folder; give the full new path of the file (e.g. ${path.posix.join(st, path.basename(rf.real))}).`);
    if (dst.kind === 'other') throw new ToolError(`${st} exists and is not a regular file; nothing was moved.`);
    const overwrote = dst.kind !== 'missing';
    if (overwrote && !overwrite) throw new ToolError(`${st} already exists; nothing was moved. Read it and set overwrite to true to replace it, or choose another path.`);
    if (dst.kind === 'file') checkText(host, scope, rt.real, st, dst.bytes, true);
    throwIfAborted(signal);
    await scope.journal?.before(rf.real, sf);
    await scope.journal?.before(rt.real, st);
    await writeInside(rootFor(host.deps, rt.real), rt.real, st, src.bytes, { mode: src.mode, signal });
    await scope.journal?.after(rt.real, src.bytes);
    await removeInside(rootFor(host.deps, rf.real), rf.real, sf);
    await scope.journal?.after(rf.real, null);
    host.versions.noteWrite(scope.agent, rf.real, '');
    host.versions.noteWrite(scope.agent, rt.real, text ?? '');
    if (text !== undefined) host.deps.documents.wroteToDisk?.(rt.real, text);
    return { from: sf, to: st, bytes: src.bytes.length, overwrote };
  }, signal), signal);
}

function refuseRoot(host: OpsHost, r: ResolvedPath, given: string): void {
  if (r.real === rootFor(host.deps, r.real)) throw new ToolError(`${JSON.stringify(given)} is the workspace root, not a file; give a file path (folders: use run_command).`);
}

function refuseDirty(host: OpsHost, r: ResolvedPath, shown: string, what: string): void {
  const docs = host.deps.documents;
  if (docs.isDirty(r.real) || docs.isDirty(r.lexical)) {
    throw new ToolError(`${shown} has unsaved changes in the editor; SwarmCode will not ${what} it. Ask the user to save or close it first.`);
  }
}

function requireFile(got: ReadOutcome, shown: string, folderHint: string): void {
  if (got.kind === 'missing') throw new ToolError(`File not found: ${shown}. Use list_files to see which files exist.`);
  if (got.kind === 'dir') throw new ToolError(`${shown} is a folder: ${folderHint}.`);
  if (got.kind === 'other') throw new ToolError(`${shown} is not a regular file.`);
}

/**
 * For a text file: refuses a stale (or, with `mustHaveRead`, unread) version and returns its text.
 * Binary files (or bytes no known encoding fits) have no version the agent could have read.
 */
function checkText(host: OpsHost, scope: EditScope, abs: string, shown: string, bytes: Buffer, mustHaveRead: boolean): string | undefined {
  let text: string;
  try {
    text = decodeText(bytes, shown).text;
  } catch {
    return undefined;
  }
  const why = host.versions.check(scope.agent, abs, text, mustHaveRead);
  if (why) throw host.stale(shown, why, scope.agent);
  return text;
}
