import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { defineTool, ToolError, type ToolContext } from './types';
import { RG_COMMON, rgRelative, runRipgrep, rgTargets } from '../index/rg';
import { formatLineMatches, parseJsonEvent, type LineCollector } from './grep_lines';
import { grepNative } from './grep_native';

export const DEFAULT_MAX_RESULTS = 100;
/** Past this many matches ripgrep is stopped and the count is reported as a lower bound. */
const COUNT_CAP = 20_000;

export const grep = defineTool({
  name: 'grep',
  description:
    'Search file contents (a warm index, or ripgrep; respects .gitignore, skips binary files and .git). The pattern is a literal ' +
    'string unless `regex` is true (Rust regex syntax). By default (output "files") lists the matching files with ' +
    'their match counts; with output "lines" (or when `context` is given) shows matching lines as `path:line:text`, ' +
    'context lines as `path-line-text`, groups separated by `--`. `max_results` caps files (files mode) or matching ' +
    'lines (lines mode), default 100. Searches the saved files on disk: unsaved editor changes are not searched ' +
    '(the result names such files; read_file shows their current text).',
  parameters: z.object({
    pattern: z.string().min(1).describe('Text to search for (a regex when `regex` is true)'),
    path: z.string().optional().describe('Workspace-relative file or folder to search (default: everything)'),
    glob: z.string().optional().describe('Only files matching this glob, e.g. "*.ts" or "src/**/*.py"'),
    regex: z.boolean().optional().describe('Treat pattern as a regular expression (default false: literal)'),
    context: z.number().int().min(0).max(20).optional().describe('Lines of context around each match; implies output "lines"'),
    max_results: z.number().int().min(1).max(1000).optional().describe(`Most files/lines to show (default ${DEFAULT_MAX_RESULTS})`),
    output: z
      .enum(['files', 'lines'])
      .optional()
      .describe('"files": matching paths with counts (default); "lines": the matching lines'),
  }),
  mutating: false,
  paths: (args) => [args.path ?? '.'],
  async run(args, ctx, signal) {
    const ws = ctx.workspace;
    const abs = await ws.resolve(args.path ?? '.');
    const shown = ws.relative(abs);
    if (!(await fs.stat(abs).catch(() => undefined))) {
      throw new ToolError(`${shown} does not exist. Use list_files to see which paths exist.`);
    }
    const mode = args.output ?? (args.context !== undefined ? 'lines' : 'files');
    const max = args.max_results ?? DEFAULT_MAX_RESULTS;
    const base = [...RG_COMMON, ...(args.regex ? [] : ['--fixed-strings']), '--regexp', args.pattern];
    if (args.glob) base.push('--glob', args.glob);
    const target = ['--', ...rgTargets(ws, shown)];
    const what = `${args.regex ? 'regex' : 'literal'} ${JSON.stringify(args.pattern)}`;
    const scope = `${shown === '.' ? '' : ` in ${shown}`}${args.glob ? ` (glob ${JSON.stringify(args.glob)})` : ''}`;

    const context = args.context ?? 0;
    // The warm index answers when it can (same files, matches and output as ripgrep).
    const fast = await grepNative(
      ctx.services?.index,
      { pattern: args.pattern, regex: args.regex, glob: args.glob, scope: shown, mode, max, context, countCap: COUNT_CAP },
      signal,
    );
    if (fast?.kind === 'files') {
      if (fast.fileCount === 0) return withDirtyNote(`0 matches for ${what}${scope}.`, ctx, abs);
      return withDirtyNote(filesBody(fast.files, fast.fileCount, fast.matchCount), ctx, abs);
    }
    if (fast?.kind === 'lines') {
      if (fast.total === 0) return withDirtyNote(`0 matches for ${what}${scope}.`, ctx, abs);
      return withDirtyNote(linesBody(fast.col, fast.total, fast.files, fast.stopped, max), ctx, abs);
    }

    let body: string;
    if (mode === 'files') {
      const files: Array<[string, number]> = [];
      let fileCount = 0;
      let matchCount = 0;
      const res = await runRipgrep(['--count-matches', '--null', ...base, ...target], ws.root, signal, (line) => {
        const z0 = line.lastIndexOf('\0');
        if (z0 === -1) return;
        const n = Number(line.slice(z0 + 1));
        fileCount++;
        matchCount += n;
        if (files.length < max) files.push([rgRelative(line.slice(0, z0)), n]);
      });
      checkError(res, fileCount, args.regex);
      if (fileCount === 0) return withDirtyNote(`0 matches for ${what}${scope}.`, ctx, abs);
      body = filesBody(files, fileCount, matchCount);
    } else {
      const col: LineCollector = { max, context, total: 0, files: new Set(), out: [], lastPath: '', lastLine: -1, lastShown: -1 };
      const rgArgs = ['--json', ...(context ? ['--context', String(context)] : []), ...base, ...target];
      const res = await runRipgrep(rgArgs, ws.root, signal, (line) => {
        const ev = parseJsonEvent(line);
        if (ev) formatLineMatches(col, ev);
        return col.total < COUNT_CAP;
      });
      checkError(res, col.total, args.regex);
      if (col.total === 0) return withDirtyNote(`0 matches for ${what}${scope}.`, ctx, abs);
      body = linesBody(col, col.total, col.files.size, res.stopped, max);
    }
    return withDirtyNote(body, ctx, abs);
  },
});

function filesBody(files: Array<[string, number]>, fileCount: number, matchCount: number): string {
  const lines = files.map(([p, n]) => `${p}: ${n} match${n === 1 ? '' : 'es'}`);
  if (fileCount > files.length) {
    lines.push(`[${fileCount - files.length} more files not shown — narrow with path or glob, or raise max_results]`);
  }
  return `${matchCount} match${matchCount === 1 ? '' : 'es'} in ${fileCount} file${fileCount === 1 ? '' : 's'}\n${lines.join('\n')}`;
}

function linesBody(col: LineCollector, total: number, fileCount: number, stopped: boolean, max: number): string {
  const shownCount = Math.min(total, max);
  const totalText = stopped ? `more than ${COUNT_CAP}` : String(total);
  const head = `${totalText} matching line${total === 1 ? '' : 's'}${stopped ? '' : ` in ${fileCount} file${fileCount === 1 ? '' : 's'}`}`;
  const lines = [head, ...col.out];
  if (total > shownCount) {
    const more = stopped ? `more than ${COUNT_CAP - shownCount}` : String(total - shownCount);
    lines.push(`[${more} more matches not shown — narrow with path or glob, or raise max_results]`);
  }
  return lines.join('\n');
}

function checkError(res: { code: number | null; stderr: string }, found: number, regex?: boolean): void {
  if (res.code !== 2 || !res.stderr) return;
  if (/regex parse error|error parsing|unclosed|unopened|repetition/i.test(res.stderr)) {
    throw new ToolError(`Invalid regex: ${res.stderr}${regex ? '\nFix the pattern, or set regex to false for a literal search.' : ''}`);
  }
  if (found === 0) throw new ToolError(`grep failed: ${res.stderr}`);
}

/** grep reads disk; say which files in scope have unsaved editor changes it did not see. */
function withDirtyNote(text: string, ctx: ToolContext, scopeAbs: string): string {
  const docs = ctx.workspace.documents as { dirtyPaths?: () => string[] };
  const dirty = (docs.dirtyPaths?.() ?? []).filter((p) => p === scopeAbs || p.startsWith(scopeAbs + path.sep));
  if (!dirty.length) return text;
  const names = dirty.map((p) => ctx.workspace.relative(p)).sort();
  return `${text}\n[note: searched the saved files on disk; unsaved editor changes in ${names.join(', ')} were not searched — read_file shows their current text]`;
}
