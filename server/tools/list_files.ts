import * as fs from 'node:fs/promises';
import { z } from 'zod';
import { defineTool, ToolError } from './types';
import { RG_COMMON, rgRelative, rgTargets, runRipgrep } from '../index/rg';

export const MAX_LISTED_FILES = 1000;

export const listFiles = defineTool({
  name: 'list_files',
  description:
    'List files in the workspace (recursively, sorted, respecting .gitignore; .git is skipped). ' +
    `Optionally under \`path\` and filtered by \`glob\` (e.g. "*.ts", "src/**/*.test.ts"). At most ${MAX_LISTED_FILES} are shown.`,
  parameters: z.object({
    path: z.string().optional().describe('Workspace-relative folder to list (default: the whole workspace)'),
    glob: z.string().optional().describe('Glob the file paths must match, e.g. "*.py" or "src/**/*.ts"'),
  }),
  mutating: false,
  paths: (args) => [args.path ?? '.'],
  async run(args, ctx, signal) {
    const ws = ctx.workspace;
    const abs = await ws.resolve(args.path ?? '.');
    const shown = ws.relative(abs);
    const st = await fs.stat(abs).catch(() => undefined);
    if (!st) throw new ToolError(`${shown} does not exist. Use list_files without a path to see the workspace.`);
    if (st.isFile()) return shown;
    const rgArgs = ['--files', ...RG_COMMON];
    if (args.glob) rgArgs.push('--glob', args.glob);
    rgArgs.push('--', ...rgTargets(ws, shown));
    const files: string[] = [];
    let total = 0;
    const res = await runRipgrep(rgArgs, ws.root, signal, (line) => {
      if (!line) return;
      total++;
      if (files.length < MAX_LISTED_FILES) files.push(rgRelative(line));
    });
    if (res.code === 2 && total === 0 && res.stderr) throw new ToolError(`list_files failed: ${res.stderr}`);
    const where = shown === '.' ? 'the workspace' : shown;
    if (total === 0) return `No files in ${where}${args.glob ? ` matching ${JSON.stringify(args.glob)}` : ''}.`;
    if (total > files.length) {
      files.push(`[${total - files.length} more files not shown (${total} in all) — narrow with path or glob]`);
    }
    return files.join('\n');
  },
});
