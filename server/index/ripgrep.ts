// ripgrep (the binary in @vscode/ripgrep): the file list the index is built from, and the
// search fallback when the native addon is missing or a regex is outside the native subset.
import { RG_FILTERS, runRipgrep } from './rg';
import type { SearchMatch, SearchQuery } from './types';

export { RG_FILTERS };

/** Runs rg in `cwd`; `onRecord` gets each NUL- or newline-terminated record and may return false to stop. */
export async function runRg(
  args: string[],
  cwd: string,
  signal: AbortSignal,
  onRecord: (rec: string) => boolean | void,
  sep = '\n',
): Promise<{ code: number | null; stderr: string }> {
  const r = await runRipgrep(args, cwd, signal, onRecord, sep);
  return { code: r.stopped ? 0 : r.code, stderr: r.stderr };
}

/** Workspace-relative paths of the files ripgrep would search under `dirs` (default: the root). */
export async function listFiles(root: string, signal: AbortSignal, dirs: string[] = [], extra: string[] = []): Promise<string[]> {
  const out: string[] = [];
  const { code, stderr } = await runRg(['--files', '--null', ...RG_FILTERS, ...extra, '--', ...(dirs.length ? dirs : ['.'])], root, signal, (rec) => {
    if (rec) out.push(rec.startsWith('./') ? rec.slice(2) : rec);
  }, '\0');
  if (code !== 0 && code !== 1) throw new Error(`rg --files failed (${code}): ${stderr}`);
  return out;
}

export class RipgrepError extends Error {
  override name = 'RipgrepError';
}

/** ripgrep itself answering a query: path order, first match column per line, stops at `max`. */
export async function ripgrepSearch(
  root: string,
  q: SearchQuery,
  max: number,
  maxLineChars: number,
  signal: AbortSignal,
  /** Search just these workspace-relative files (already known to be searchable). */
  paths?: string[],
): Promise<{ matches: SearchMatch[]; truncated: boolean }> {
  const args = ['--line-number', '--column', '--no-heading', '--with-filename', '--null', '--color', 'never', '--sort', 'path', ...RG_FILTERS];
  if (!q.regex) args.push('--fixed-strings');
  if (q.glob) args.push('--glob', q.glob);
  args.push('--regexp', q.query, '--', ...(paths ?? ['.']));
  const matches: SearchMatch[] = [];
  let truncated = false;
  const { code, stderr } = await runRg(args, root, signal, (rec) => {
    const nul = rec.indexOf('\0');
    if (nul < 0) return;
    const m = /^(\d+):(\d+):/.exec(rec.slice(nul + 1));
    if (!m) return;
    if (matches.length >= max) {
      truncated = true;
      return false;
    }
    let text = rec.slice(nul + 1 + m[0].length);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const path = rec.slice(0, nul);
    matches.push({
      path: path.startsWith('./') ? path.slice(2) : path,
      line: Number(m[1]),
      column: Number(m[2]),
      text: text.length > maxLineChars ? text.slice(0, maxLineChars) : text,
    });
  });
  if (code === 2 && matches.length === 0) throw new RipgrepError(stderr || 'ripgrep failed');
  return { matches, truncated };
}

/** ripgrep's matching-line and match counts for one file (as --count / --count-matches). */
export async function ripgrepCount(root: string, q: SearchQuery, path: string, signal: AbortSignal): Promise<{ lines: number; matches: number }> {
  const args = ['--json', ...RG_FILTERS, ...(q.regex ? [] : ['--fixed-strings']), '--regexp', q.query, '--', path];
  let lines = 0;
  let matches = 0;
  const { code, stderr } = await runRg(args, root, signal, (rec) => {
    if (!rec.startsWith('{"type":"match"')) return;
    lines++;
    matches += (JSON.parse(rec) as { data: { submatches: unknown[] } }).data.submatches.length;
  });
  if (code === 2 && lines === 0) throw new RipgrepError(stderr || 'ripgrep failed');
  return { lines, matches };
}
