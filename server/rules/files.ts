// Reading rule, command and skill files, which a repository's authors (possibly hostile) wrote:
// regular files only (a FIFO or device would hang or flood the read), inside their root after
// symlinks are resolved (a link to ~/.ssh/id_rsa must not reach the prompt), capped in size, and
// decoded as the editor decodes files (UTF-8, UTF-16 by BOM, the legacy encodings it detects).
import { lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { decodeText } from '../workspace/encoding';
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
  /** The bytes were neither UTF-8 nor an encoding that could be determined: decoded with U+FFFD. */
  lossy?: boolean;
}

/** `buf` without a UTF-8 sequence cut off at its end. */
function trimPartialUtf8(buf: Buffer): Buffer {
  let i = buf.length - 1;
  while (i >= 0 && buf.length - i <= 3 && (buf[i] & 0xc0) === 0x80) i--;
  if (i < 0) return buf;
  const lead = buf[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > buf.length - i ? buf.subarray(0, i) : buf;
}

/** Text of file bytes (`cut`: the file went on past them); undefined for binary data. */
function decodeCapped(data: Buffer, cut: boolean): { text: string; lossy?: boolean } | undefined {
  const utf16 = data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff));
  if (!utf16 && data.includes(0)) return undefined;
  const bytes = cut && !utf16 ? trimPartialUtf8(data) : data;
  try {
    return { text: decodeText(bytes, '').text };
  } catch {
    return { text: bytes.toString('utf8'), lossy: true };
  }
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
    const decoded = decodeCapped(buf.subarray(0, bytesRead), st.size > maxBytes);
    if (!decoded) return undefined;
    return { text: decoded.text, bytes: st.size, truncated: st.size > maxBytes, ...(decoded.lossy ? { lossy: true } : {}) };
  } finally {
    await fh.close();
  }
}

/**
 * Why `abs` (which readCapped did not read) was left out, for the user; undefined when there is
 * simply no such file.
 */
export async function unreadableReason(root: string, abs: string): Promise<string | undefined> {
  if (!(await lstat(abs).catch(() => undefined))) return undefined;
  const [real, realRoot] = await Promise.all([realpath(abs).catch(() => undefined), realpath(root).catch(() => root)]);
  if (!real) return 'it is a link to nothing';
  if (!isInside(realRoot, real)) return 'it is a link to a file outside its folder, which is never read';
  if (!(await stat(real).catch(() => undefined))?.isFile()) return 'it is not a regular file';
  return 'it is binary (it contains NUL bytes)';
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
