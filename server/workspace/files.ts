// Reading and writing files on disk with the checks tools rely on.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ToolError } from '../tools/types';

export const MAX_TEXT_BYTES = 10 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8 * 1024;

export function abortError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError();
}

/** True when the buffer looks binary (a NUL byte in its first 8 KiB). */
export function looksBinary(buf: Uint8Array): boolean {
  return buf.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

export function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1) + ' MiB';
}

/** Reads a UTF-8 text file, refusing missing files, folders, binaries and huge files. */
export async function readTextFile(abs: string, shown: string, signal?: AbortSignal): Promise<string> {
  let st;
  try {
    st = await fs.stat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ToolError(`File not found: ${shown}. Use list_files to see which files exist.`);
    }
    throw new ToolError(`Cannot read ${shown}: ${(err as Error).message}`);
  }
  if (st.isDirectory()) throw new ToolError(`${shown} is a directory, not a file. Use list_files to see its contents.`);
  if (!st.isFile()) throw new ToolError(`${shown} is not a regular file.`);
  if (st.size > MAX_TEXT_BYTES) {
    throw new ToolError(
      `${shown} is ${mib(st.size)}, over the ${mib(MAX_TEXT_BYTES)} limit for reading whole files. ` +
        `Use grep to find the part you need, or run_command with head/tail/sed to read a slice.`,
    );
  }
  const buf = await fs.readFile(abs, { signal });
  if (looksBinary(buf)) {
    throw new ToolError(`${shown} looks like a binary file (it contains NUL bytes), so it cannot be read as text. Use run_command (e.g. "file" or "xxd | head") to inspect it.`);
  }
  return buf.toString('utf8');
}

/**
 * Atomic write: a temporary file in the same folder, then rename over the target.
 * Creates missing parent folders and keeps the existing file's mode.
 */
export async function writeFileAtomic(abs: string, shown: string, content: string, signal?: AbortSignal): Promise<void> {
  return writeBytesAtomic(abs, shown, Buffer.from(content, 'utf8'), signal);
}

/** writeFileAtomic for bytes already encoded (the edit engine keeps encoding and BOM). */
export async function writeBytesAtomic(abs: string, shown: string, content: Uint8Array, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  let mode: number | undefined;
  try {
    const st = await fs.stat(abs);
    if (st.isDirectory()) throw new ToolError(`${shown} is a directory; cannot write a file there.`);
    mode = st.mode & 0o7777;
  } catch (err) {
    if (err instanceof ToolError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ToolError(`Cannot write ${shown}: ${(err as Error).message}`);
  }
  const dir = path.dirname(abs);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    throw new ToolError(`Cannot create the folder for ${shown}: ${(err as Error).message}`);
  }
  const tmp = path.join(dir, `.${path.basename(abs)}.swarmcode-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, content, { mode: mode ?? 0o666, signal });
    if (mode !== undefined) await fs.chmod(tmp, mode); // writeFile's mode is masked by umask
    throwIfAborted(signal);
    await fs.rename(tmp, abs);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    if ((err as Error).name === 'AbortError') throw err;
    throw new ToolError(`Cannot write ${shown}: ${(err as Error).message}`);
  }
}
