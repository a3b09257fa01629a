// Merging one sub-agent's checkout back into the run's workspace, file by file, through the run's
// journaled view (so review and rollback see it). Every file gets an outcome, and one file's
// failure never hides the others:
// - text: the edit engine's region-aware three-way merge (merge3: disjoint changes land, adjacent
//   or not; only overlapping changes conflict, written with markers and reported). A file this
//   run already left with unresolved markers is not merged into again (the worktree is kept);
// - unchanged in the workspace since the snapshot: the sub-agent's bytes as they are (binary,
//   Latin-1, CRLF, BOM), with its permission bits;
// - symbolic links come back as links, refused when they point outside the workspace;
// - a mode change alone (`chmod +x`) is applied;
// - build and test caches (caches.ts) and ignored files (.gitignore) are not merged back.
import { lstat, readFile, readlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import type { Workspace } from '../workspace';
import { looksBinary } from '../workspace/files';
import { merge3 } from '../workspace/merge3';
import { hasConflictMarkers } from '../workspace/review';
import { isCachePath } from '../workspace/caches';
import type { Worktree } from './worktrees';

export interface WorktreeMerge {
  /** Files whose changes were merged cleanly. */
  merged: string[];
  /** Files written with conflict markers (both sides changed the same lines). */
  conflicts: string[];
  /** Changes not applied, with the reason; the worktree is kept for them. */
  notApplied: { path: string; why: string }[];
  /** Caches and other generated files left out on purpose. */
  skipped: string[];
  /** The worktree folder when it was kept (something was not applied). */
  keptAt?: string;
}

export interface MergeDeps {
  git(dir?: string): SimpleGit;
  root: string;
  /** Files this run left with conflict markers. */
  conflicted: Set<string>;
}

type Side = { kind: 'none' } | { kind: 'file'; bytes: Buffer; mode: number } | { kind: 'link'; target: string } | { kind: 'other'; what: string };

interface Change {
  agentId: string;
  path: string;
  old: Side;
  theirs: Side;
  oldMode: string;
  newMode: string;
}

/** Exact text when the bytes are UTF-8 (BOM and line ends kept), else undefined. */
function utf8(b: Buffer): string | undefined {
  if (looksBinary(b)) return undefined;
  const t = b.toString('utf8');
  return Buffer.from(t, 'utf8').equals(b) ? t : undefined;
}

const sameSide = (a: Side, b: Side) =>
  a.kind === b.kind && (a.kind !== 'file' || (b.kind === 'file' && a.bytes.equals(b.bytes))) && (a.kind !== 'link' || (b.kind === 'link' && a.target === b.target));

async function sideOnDisk(abs: string): Promise<Side> {
  const st = await lstat(abs).catch(() => undefined);
  if (!st) return { kind: 'none' };
  if (st.isSymbolicLink()) return { kind: 'link', target: await readlink(abs) };
  if (st.isFile()) return { kind: 'file', bytes: await readFile(abs), mode: st.mode & 0o777 };
  return { kind: 'other', what: st.isDirectory() ? 'a folder' : 'not a regular file' };
}

/**
 * The permission bits the workspace file should get: git's view of the sub-agent's change to the
 * executable bit applied to the workspace file's own bits (umask differences are not a change).
 */
function wantedMode(c: Change, ours: Side): number {
  const theirs = c.theirs.kind === 'file' ? c.theirs.mode : 0o644;
  if (ours.kind !== 'file') return theirs;
  if (c.newMode === '100755' && c.oldMode !== '100755') return ours.mode | ((ours.mode & 0o444) >> 2);
  if (c.newMode === '100644' && c.oldMode === '100755') return ours.mode & ~0o111;
  return ours.mode;
}

async function listChanges(deps: MergeDeps, tree: Worktree): Promise<Change[]> {
  const wt = deps.git(tree.dir);
  await wt.raw(['add', '-A', '--', '.']);
  // --raw: ":<old mode> <new mode> <old sha> <new sha> <status>\0<path>\0"
  const fields = (await wt.raw(['diff', '--cached', '--raw', '--no-renames', '-z', tree.base])).split('\0');
  const out: Change[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i].replace(/^\n/, '');
    if (!meta.startsWith(':')) continue;
    const [oldMode, newMode] = meta.slice(1).split(' ');
    const path = fields[i + 1];
    const old = await blobSide(deps, tree.base, path, oldMode);
    const theirs = await sideOnDisk(join(tree.dir, path));
    out.push({ agentId: tree.agentId, path, old, theirs, oldMode, newMode });
  }
  return out;
}

async function blobSide(deps: MergeDeps, base: string, path: string, mode: string): Promise<Side> {
  if (/^0+$/.test(mode)) return { kind: 'none' };
  if (mode === '160000') return { kind: 'other', what: 'a submodule' };
  const bytes = Buffer.from(await deps.git().binaryCatFile(['blob', `${base}:${path}`]));
  if (mode === '120000') return { kind: 'link', target: bytes.toString('utf8') };
  return { kind: 'file', bytes, mode: parseInt(mode, 8) & 0o777 };
}

export async function mergeWorktree(deps: MergeDeps, tree: Worktree, target: Workspace, signal?: AbortSignal): Promise<WorktreeMerge> {
  const out: WorktreeMerge = { merged: [], conflicts: [], notApplied: [], skipped: [] };
  for (const c of await listChanges(deps, tree)) {
    signal?.throwIfAborted();
    if (isCachePath(c.path)) {
      out.skipped.push(c.path);
      continue;
    }
    try {
      await mergeOne(deps, c, target, out);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      out.notApplied.push({ path: c.path, why: (err as Error).message.split('\n')[0] });
    }
  }
  return out;
}

async function mergeOne(deps: MergeDeps, c: Change, target: Workspace, out: WorktreeMerge): Promise<void> {
  const { path, old, theirs } = c;
  if (theirs.kind === 'other' || old.kind === 'other') return void out.notApplied.push({ path, why: `${theirs.kind === 'other' ? theirs.what : (old as { what: string }).what} is not merged back` });
  const parent = await target.resolve(dirname(path));
  const abs = join(parent, basename(path));
  const ours = await sideOnDisk(abs);
  const dirty = target.documents.isDirty(abs);
  if (ours.kind === 'other') return void out.notApplied.push({ path, why: `it is ${ours.what} in the workspace` });
  const mode = wantedMode(c, ours);
  if (sameSide(ours, theirs) && (ours.kind !== 'file' || ours.mode === mode)) return;
  const put = target.putRaw?.bind(target);
  if (!put) throw new Error('this workspace cannot take raw writes');

  // The workspace still holds the snapshot's version (and no unsaved buffer): the sub-agent's version as it is.
  if (!dirty && sameSide(ours, old)) {
    if (theirs.kind === 'none') {
      if (ours.kind === 'link') return void out.notApplied.push({ path, why: 'deleting a symbolic link is not merged back' });
      await target.readText(path).catch(() => undefined); // the agent's view must have read what it deletes
      if (!target.deleteFile) throw new Error('this workspace cannot delete files');
      await target.deleteFile(path);
    } else if (theirs.kind === 'link') await put(path, { kind: 'link', target: theirs.target });
    else if (ours.kind === 'file' && theirs.kind === 'file' && ours.bytes.equals(theirs.bytes)) await put(path, { kind: 'mode', mode });
    else await put(path, { kind: 'file', bytes: (theirs as { bytes: Buffer }).bytes, mode });
    return void out.merged.push(path);
  }

  // Both sides changed it since the snapshot.
  if (theirs.kind === 'link' || old.kind === 'link' || ours.kind === 'link') return void out.notApplied.push({ path, why: 'a symbolic link changed both in the workspace and by the sub-agent' });
  if (theirs.kind === 'none') return void out.notApplied.push({ path, why: 'deleted by the sub-agent but changed in the workspace' });
  if (ours.kind === 'none') return void out.notApplied.push({ path, why: 'changed by the sub-agent but deleted in the workspace' });
  const theirsText = utf8(theirs.bytes);
  const oldText = old.kind === 'file' ? utf8(old.bytes) : '';
  // Through the agent's view: an unsaved editor buffer is "ours", and the write below is based on it.
  const oursText = dirty ? await target.readText(path) : utf8(ours.bytes);
  if (theirsText === undefined || oldText === undefined || oursText === undefined) {
    return void out.notApplied.push({ path, why: 'changed on both sides and not UTF-8 text (binary or another encoding), so it cannot be merged' });
  }
  if (deps.conflicted.has(path) && hasConflictMarkers(oursText)) {
    return void out.notApplied.push({ path, why: 'it still holds unresolved conflict markers from an earlier merge of this run; resolve them, then merge this change by hand' });
  }
  const lf = (s: string) => s.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const m = merge3(lf(oldText), lf(oursText), lf(theirsText), { labels: { ours: 'workspace', theirs: c.agentId } });
  await target.readText(path);
  await target.writeText(path, m.text);
  if (mode !== ours.mode) await put(path, { kind: 'mode', mode });
  if (m.conflicts.length) {
    deps.conflicted.add(path);
    out.conflicts.push(path);
  } else out.merged.push(path);
}
