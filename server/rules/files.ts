// Reading rule, command and skill files, which a repository's authors (possibly hostile) wrote:
// regular files only (a FIFO or device would hang or flood the read), inside their root after
// symlinks are resolved (a link to ~/.ssh/id_rsa must not reach the prompt), capped in size.
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, sep, isAbsolute } from 'node:path';

/** The user-level folder: $SWARMCODE_CONFIG_DIR, else ~/.swarmcode. */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWARMCODE_CONFIG_DIR || join(homedir(), '.swarmcode');
}

export function isInside(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

export interface CappedText {
  text: string;
  /** Bytes of the file (the text may hold fewer). */
  bytes: number;
  truncated: boolean;
}

/**
 * The text of `abs` when it is a regular file whose real path lies inside `root`; undefined when
 * it is missing, not a file, outside the root or binary. At most `maxBytes` are read.
 */
export async function readCapped(root: string, abs: string, maxBytes: number): Promise<CappedText | undefined> {
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(abs), realpath(root)]);
  } catch {
    return undefined;
  }
  if (!isInside(realRoot, real)) return undefined;
  const st = await stat(real).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const fh = await open(real, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const want = Math.min(st.size, maxBytes);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, 0);
    const data = buf.subarray(0, bytesRead);
    if (data.includes(0)) return undefined;
    let text = data.toString('utf8');
    // A cut in the middle of a multi-byte character leaves a replacement char at the end.
    if (st.size > maxBytes) text = text.replace(/\uFFFD$/, '');
    return { text, bytes: st.size, truncated: st.size > maxBytes };
  } finally {
    await fh.close();
  }
}

/** Entries of a folder (names and whether each is a directory); empty when it cannot be read. */
export async function listDir(dir: string): Promise<{ name: string; dir: boolean }[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, dir: e.isDirectory() || e.isSymbolicLink() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}
