// Reading files on disk with the checks tools rely on (writes: safe-fs.ts).
import * as fs from 'node:fs/promises';
import { ToolError } from './tool-error';

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
