// Small durable-file helpers for the checkpoint journal: write + fsync, fsync a folder.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes `data` to `file` through a temp file + rename, fsyncing the data and the folder. */
export async function writeDurable(file: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  await writeVia(file, data, mode, true);
  await syncDir(path.dirname(file));
}

/** writeDurable without the fsyncs: survives the process dying, not the machine. */
export function writeQuick(file: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  return writeVia(file, data, mode, false);
}

/** Temp file + rename; the temp file is removed when anything fails (a full disk leaves nothing). */
async function writeVia(file: string, data: Uint8Array | string, mode: number, sync: boolean): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await fs.open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      if (sync) await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** fsync a folder so a rename or create in it survives a crash (no-op where unsupported). */
export async function syncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows and some file systems cannot fsync a directory.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Reads JSON, or undefined when the file is missing or torn. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
