import { z } from 'zod';
import { defineTool } from './types';
import { guardWrite } from './write-guard';
import { applyStringEdit } from '../workspace/edits';

export const editFile = defineTool({
  name: 'edit_file',
  description:
    'Replace exact text in a file. `old_string` must match the file exactly (whitespace and indentation included, ' +
    'without read_file line numbers) and occur exactly once, unless `replace_all` is true. ' +
    'Read the file first. If the file changed since you read it, the edit is still applied when the lines old_string matched were not changed ' +
    '(the result says "rebased"); otherwise it is refused (re-read it then). To create a file use write_file.',
  parameters: z.object({
    path: z.string().describe('Workspace-relative path of the file'),
    old_string: z.string().describe('The exact text to replace'),
    new_string: z.string().describe('The text to put in its place'),
    replace_all: z.boolean().optional().describe('Replace every occurrence (default false)'),
  }),
  mutating: true,
  paths: (args) => [args.path],
  async run(args, ctx, signal) {
    const ws = ctx.workspace;
    const abs = await ws.resolve(args.path);
    await guardWrite(ctx, abs, signal, { tool: 'edit_file', args });
    const shown = ws.relative(abs);
    const edit = { oldString: args.old_string, newString: args.new_string, replaceAll: args.replace_all };
    let result;
    if (ws.editText) {
      // The edit engine: per-file lock, stale-read check, CRLF/BOM/encoding kept, journal.
      result = await ws.editText(args.path, edit, signal);
    } else {
      result = applyStringEdit(await ws.readText(args.path, signal), edit, shown);
      await ws.writeText(args.path, result.text, signal);
    }
    const ranges = result.lines.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
    const shownRanges = ranges.slice(0, 20).join(', ') + (ranges.length > 20 ? `, … (${ranges.length} in all)` : '');
    const n = result.count;
    const rebased = result.rebased
      ? ' Rebased: the file had changed since you read it (elsewhere); your edit was applied to the current version, whose other lines you have not seen; re-read it before editing near those changes.'
      : '';
    return `Edited ${shown}: replaced ${n} occurrence${n === 1 ? '' : 's'}; changed line${ranges.length === 1 && !ranges[0].includes('-') ? '' : 's'} ${shownRanges}.${rebased}`;
  },
});
