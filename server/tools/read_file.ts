import { z } from 'zod';
import { defineTool, ToolError } from './types';
import { cutLine, MAX_TOOL_OUTPUT_CHARS } from './output';

export const DEFAULT_READ_LIMIT = 2000;
const MAX_LINE_CHARS = 2000;
/** Stop before the runner's output cap so a page is never cut in the middle. */
const PAGE_CHARS = MAX_TOOL_OUTPUT_CHARS - 1000;

export const readFile = defineTool({
  name: 'read_file',
  description:
    'Read a text file in the workspace. Lines come numbered like `cat -n` (the number and a tab are not part of the file). ' +
    `Reads up to ${DEFAULT_READ_LIMIT} lines (fewer when they are long) from \`offset\` (1-based); the result says when more lines remain. ` +
    'Shows unsaved editor changes when the file is open in the editor.',
  parameters: z.object({
    path: z.string().describe('Workspace-relative path of the file'),
    offset: z.number().int().min(1).optional().describe('First line to show, 1-based (default 1)'),
    limit: z.number().int().min(1).optional().describe(`How many lines to show (default ${DEFAULT_READ_LIMIT})`),
  }),
  mutating: false,
  paths: (args) => [args.path],
  async run(args, ctx, signal) {
    const ws = ctx.workspace;
    const text = await ws.readText(args.path, signal);
    const shown = ws.relative(await ws.resolve(args.path));
    if (text === '') return `${shown} is empty.`;
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop(); // a trailing newline ends the last line
    const total = lines.length;
    const offset = args.offset ?? 1;
    const limit = args.limit ?? DEFAULT_READ_LIMIT;
    if (offset > total) {
      throw new ToolError(`offset ${offset} is past the end of ${shown}, which has ${total} line${total === 1 ? '' : 's'}.`);
    }
    let end = Math.min(total, offset - 1 + limit);
    const width = String(end).length;
    const out: string[] = [];
    let chars = 0;
    for (let i = offset - 1; i < end; i++) {
      const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
      const numbered = `${String(i + 1).padStart(Math.max(6, width))}\t${cutLine(line, MAX_LINE_CHARS)}`;
      chars += numbered.length + 1;
      if (chars > PAGE_CHARS && out.length > 0) {
        end = i;
        break;
      }
      out.push(numbered);
    }
    if (end < total) {
      out.push(`[showing lines ${offset}-${end} of ${total}; ${total - end} more — continue with offset=${end + 1}]`);
    }
    return out.join('\n');
  },
});
