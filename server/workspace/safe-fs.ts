// File operations inside the workspace that a concurrent symlink swap cannot redirect.
//
// The path check (sandbox.ts) runs before a write; a process can swap a folder on that path for a
// symlink before the write happens. So every write, delete and rollback here:
// - walks from the root one folder at a time, opening each with O_NOFOLLOW (a folder that became
//   a symlink is refused), and on Linux keeps the last folder open and names files through
//   /proc/self/fd/N/<name>, which resolves to that open folder, not to its path (man 5 proc);
//   fast path on Linux: the folder opened by path is used when readlink(/proc/self/fd/N), the
//   kernel's answer to where it really is, equals the checked path (else the walk above);
// - writes a temp file created with O_EXCL | O_NOFOLLOW, then, just before the rename, re-checks
//   that the folder's real path is unchanged and that the last component is not a symlink.
// Elsewhere (no /proc) the same checks run on paths; the window left is the final rename alone.
import * as fs from 'node:fs/promises';
import { constants as C } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ToolError } from './tool-error';
import { isInside } from './sandbox';
import { throwIfAborted } from './files';

const PROC_FD = '/proc/self/fd';
let procFd: Promise<boolean> | undefined;
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const O_DIRECTORY = C.O_DIRECTORY ?? 0;

/** Test hook: runs after the temp file is written, before the final re-check and rename. */
export type WriteHook = (stage: 'before-rename', abs: string) => Promise<void>;
let hook: WriteHook | undefined;
export function setWriteHookForTests(h: WriteHook | undefined): void {
  hook = h;
}

/** Temp files this server writes next to their target: `.NAME.swarmcode-PID-HEX.tmp`. */
export const TEMP_RE = /^\..+\.swarmcode-(?:(\d+)|restore)-[0-9a-f]{8}\.tmp$/;

function tempName(base: string): string {
  return `.${base}.swarmcode-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}

/** An open folder; files in it are named through it, not through its path. */
interface Dir {
  /** The real path it was opened as. */
  readonly path: string;
  at(name: string): string;
  /** Its real path now (changes when it is moved). */
  realNow(): Promise<string>;
  close(): Promise<void>;
}

export class PathChangedError extends ToolError {
  override name = 'PathChangedError';
}

function changed(shown: string, what: string, verb: 'write' | 'read' = 'write'): PathChangedError {
  const tail = verb === 'write' ? 'Nothing was written; check the folder and try again.' : 'Check the folder and try again.';
  return new PathChangedError(`Refused to ${verb} ${shown}: ${what} since its path was checked (a symlink swap?). ${tail}`);
}

async function useProc(): Promise<boolean> {
  procFd ??= process.platform === 'linux' ? fs.access(PROC_FD).then(() => true, () => false) : Promise.resolve(false);
  return procFd;
}

/**
 * Opens folder `dir` (an absolute real path under `root`) one component at a time, refusing any
 * component that is a symlink or not a folder. `created`: make missing folders, recording them.
 * Returns undefined when a folder is missing and `created` is absent.
 */
async function openDir(root: string, dir: string, shown: string, created?: string[], verb: 'write' | 'read' = 'write'): Promise<Dir | undefined> {
  if (!isInside(root, dir)) throw new PathChangedError(`Refused ${shown}: ${dir} is outside the workspace (${root}).`);
  const parts = path.relative(root, dir).split(path.sep).filter(Boolean);
  const proc = await useProc();
  if (proc) {
    // Fast path: open the folder by its path, then ask the kernel where the open folder really is.
    // Whatever a swap made us open, it is used only when it is the folder the path check named.
    const direct = await fs.open(dir, C.O_RDONLY | O_DIRECTORY).catch(() => undefined);
    if (direct) {
      if ((await fs.readlink(`${PROC_FD}/${direct.fd}`).catch(() => '')) === dir) return procDir(direct, dir);
      await direct.close();
    }
  }
  let fh = proc ? await fs.open(root, C.O_RDONLY | O_DIRECTORY) : undefined;
  let cur = root;
  try {
    for (const part of parts) {
      const name = proc ? `${PROC_FD}/${fh!.fd}/${part}` : path.join(cur, part);
      const next = path.join(cur, part);
      try {
        fh = proc ? await openChild(fh!, name, created ? () => fs.mkdir(name).then(() => void created.push(next)) : undefined) : fh;
        if (!proc) await checkFolder(name, created ? () => fs.mkdir(name).then(() => void created.push(next)) : undefined);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && !created) return undefined;
        if (code === 'ELOOP' || code === 'ENOTDIR') {
          const st = await fs.lstat(name).catch(() => undefined);
          if (st?.isSymbolicLink() || !st) throw changed(shown, `the folder ${path.relative(root, next)} is now a symlink`, verb);
          if (!created) return undefined; // a file where a folder would be: nothing there to read
          throw new ToolError(`Cannot write ${shown}: ${path.relative(root, next)} is a file, not a folder.`);
        }
        throw err;
      }
      cur = next;
    }
    const handle = fh;
    fh = undefined;
    if (handle) return procDir(handle, cur);
    return { path: cur, at: (n) => path.join(cur, n), realNow: () => fs.realpath(cur), close: async () => undefined };
  } finally {
    await fh?.close();
  }
}

function procDir(handle: fs.FileHandle, real: string): Dir {
  return {
    path: real,
    at: (n) => `${PROC_FD}/${handle.fd}/${n}`,
    realNow: () => fs.readlink(`${PROC_FD}/${handle.fd}`),
    close: () => handle.close(),
  };
}

/** Opens folder `name` (no symlink followed) and closes `parent`; `make` first when it is missing. */
async function openChild(parent: fs.FileHandle, name: string, make?: () => Promise<void>): Promise<fs.FileHandle> {
  const open = () => fs.open(name, C.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  let child: fs.FileHandle;
  try {
    child = await open();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !make) throw err;
    await make().catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    child = await open();
  }
  await parent.close();
  return child;
}

/** Path-based fallback of openChild: a folder, not a symlink; `make` first when missing. */
async function checkFolder(name: string, make?: () => Promise<void>): Promise<void> {
  let st = await fs.lstat(name).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT' || !make) throw err;
    return undefined;
  });
  if (!st) {
    await make!().catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    st = await fs.lstat(name);
  }
  if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: st.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR' });
}

/** The error message part for a failed file operation, without the /proc path. */
export function describeFsError(err: unknown, disk: string): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return `the disk holding ${disk} is full (ENOSPC)`;
  if (e.code === 'EDQUOT') return `the disk quota for ${disk} is exhausted (EDQUOT)`;
  if (e.code === 'EACCES' || e.code === 'EPERM') return `permission denied (${e.code})`;
  if (e.code === 'EROFS') return `${disk} is on a read-only file system (EROFS)`;
  return e.code ? `${e.code} (${e.syscall ?? 'fs'})` : (e.message ?? String(err));
}

export interface SafeWriteOptions {
  /** Permission bits; default: the existing file's, else 0o666 less umask. */
  mode?: number;
  signal?: AbortSignal;
  /** Filled with the folders this write created, shallowest first. */
  createdDirs?: string[];
}

/**
 * Atomic write of `bytes` to `abs` (a real path under `root`): temp file + rename, the folder
 * pinned and re-checked just before the rename. ToolError on refusal or failure (temp removed).
 */
export async function writeInside(root: string, abs: string, shown: string, bytes: Uint8Array, opts: SafeWriteOptions = {}): Promise<void> {
  throwIfAborted(opts.signal);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  let dir: Dir | undefined;
  try {
    dir = await openDir(root, parent, shown, opts.createdDirs ?? []);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(`Cannot create the folder for ${shown}: ${describeFsError(err, `the workspace (${parent})`)}. Nothing was written.`);
  }
  const tmp = tempName(base);
  let made = false;
  try {
    const st = await lstatOrUndefined(dir!.at(base));
    if (st?.isSymbolicLink()) throw changed(shown, 'the file is now a symlink');
    if (st?.isDirectory()) throw new ToolError(`${shown} is a directory; cannot write a file there.`);
    const mode = opts.mode ?? (st ? st.mode & 0o7777 : undefined);
    const fh = await fs.open(dir!.at(tmp), C.O_WRONLY | C.O_CREAT | C.O_EXCL | O_NOFOLLOW, mode ?? 0o666);
    made = true;
    try {
      await fh.writeFile(bytes, { signal: opts.signal });
      if (mode !== undefined) await fh.chmod(mode); // open's mode is masked by umask
    } finally {
      await fh.close();
    }
    throwIfAborted(opts.signal);
    await hook?.('before-rename', abs);
    if ((await dir!.realNow()) !== dir!.path) throw changed(shown, 'its folder was moved or replaced');
    const now = await lstatOrUndefined(dir!.at(base));
    if (now?.isSymbolicLink()) throw changed(shown, 'the file is now a symlink');
    if (now?.isDirectory()) throw changed(shown, 'the file is now a folder');
    await fs.rename(dir!.at(tmp), dir!.at(base));
    made = false;
  } catch (err) {
    if (made) await fs.unlink(dir!.at(tmp)).catch(() => undefined);
    if ((err as Error).name === 'AbortError' || err instanceof ToolError) throw err;
    throw new ToolError(`Cannot write ${shown}: ${describeFsError(err, `the workspace (${parent})`)}. Nothing was written.`);
  } finally {
    await dir!.close();
  }
}

/** Deletes the file `abs` (never through a symlinked folder). False when it was already gone. */
export async function removeInside(root: string, abs: string, shown: string): Promise<boolean> {
  const dir = await openDir(root, path.dirname(abs), shown);
  if (!dir) return false;
  try {
    const st = await lstatOrUndefined(dir.at(path.basename(abs)));
    if (!st) return false;
    if (st.isDirectory()) throw new ToolError(`${shown} is a directory, not a file.`);
    if (st.isSymbolicLink()) throw changed(shown, 'the file is now a symlink');
    await fs.unlink(dir.at(path.basename(abs)));
    return true;
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(`Cannot delete ${shown}: ${describeFsError(err, `the workspace (${path.dirname(abs)})`)}`);
  } finally {
    await dir.close();
  }
}

/** Deletes the symbolic link `abs` when it still points at `target` (its folder pinned, the link never followed). */
export async function removeLinkInside(root: string, abs: string, shown: string, target: string): Promise<boolean> {
  const dir = await openDir(root, path.dirname(abs), shown);
  if (!dir) return false;
  try {
    const at = dir.at(path.basename(abs));
    if (!(await lstatOrUndefined(at))?.isSymbolicLink() || (await fs.readlink(at)) !== target) return false;
    await fs.unlink(at);
    return true;
  } finally {
    await dir.close();
  }
}

/** Removes the empty folder `abs` under `root`; false when it is missing, not empty or not a folder. */
export async function rmdirInside(root: string, abs: string): Promise<boolean> {
  if (abs === root) return false;
  const dir = await openDir(root, path.dirname(abs), abs).catch(() => undefined);
  if (!dir) return false;
  try {
    await fs.rmdir(dir.at(path.basename(abs)));
    return true;
  } catch {
    return false;
  } finally {
    await dir.close();
  }
}

export interface FileBytes {
  bytes: Buffer;
  mode: number;
}

export type ReadOutcome =
  | { kind: 'missing' }
  | { kind: 'dir' }
  | { kind: 'other' }
  | { kind: 'big'; size: number }
  | ({ kind: 'file' } & FileBytes);

/**
 * Reads `abs` under `root` without following a symlink on the way (a swapped folder or file is
 * refused), through one open descriptor: the size checked is the size read. FIFOs never block.
 */
export async function readAt(root: string, abs: string, shown: string, maxBytes = Infinity, signal?: AbortSignal): Promise<ReadOutcome> {
  const dir = await openDir(root, path.dirname(abs), shown, undefined, 'read');
  if (!dir) return { kind: 'missing' };
  try {
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(dir.at(path.basename(abs)), C.O_RDONLY | O_NOFOLLOW | (C.O_NONBLOCK ?? 0));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      if (code === 'ELOOP') throw changed(shown, 'the file is now a symlink', 'read');
      throw new ToolError(`Cannot read ${shown}: ${describeFsError(err, shown)}`);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) return { kind: 'dir' };
      if (!st.isFile()) return { kind: 'other' };
      if (st.size > maxBytes) return { kind: 'big', size: st.size };
      return { kind: 'file', bytes: await fh.readFile({ signal }), mode: st.mode & 0o7777 };
    } finally {
      await fh.close();
    }
  } finally {
    await dir.close();
  }
}

/** A regular file's bytes and mode (readAt), undefined when missing; ToolError for anything else. */
export async function readInside(root: string, abs: string, shown: string): Promise<FileBytes | undefined> {
  const r = await readAt(root, abs, shown);
  if (r.kind === 'missing') return undefined;
  if (r.kind !== 'file') throw new ToolError(`${shown} is not a regular file.`);
  return { bytes: r.bytes, mode: r.mode };
}

/**
 * Removes this server's temp files in folder `dir` left by processes that are gone (a SIGKILL
 * between the temp write and the rename). `alive(pid)` says which writers still run.
 */
export async function sweepTemps(root: string, dir: string, alive: (pid: number) => boolean): Promise<string[]> {
  const d = await openDir(root, dir, dir).catch(() => undefined);
  if (!d) return [];
  const removed: string[] = [];
  try {
    for (const name of await fs.readdir(d.at('.')).catch(() => [] as string[])) {
      const m = TEMP_RE.exec(name);
      if (!m) continue;
      const pid = m[1] ? Number(m[1]) : undefined;
      if (pid !== undefined && (pid === process.pid || alive(pid))) continue; // a write in flight
      const st = await lstatOrUndefined(d.at(name));
      if (!st?.isFile()) continue;
      if (await fs.unlink(d.at(name)).then(() => true, () => false)) removed.push(path.join(dir, name));
    }
  } finally {
    await d.close();
  }
  return removed;
}

async function lstatOrUndefined(p: string) {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
