import { z } from 'zod';
import { defineTool, ToolError } from './types';

export const moveFile = defineTool({
  name: 'move_file',
  description:
    'Move or rename one file (parent folders are created). Refused when the destination exists unless `overwrite` is true ' +
    '(then read the destination first). Recorded in the run\'s checkpoint, so the user can undo it. Folders: use run_command.',
  parameters: z.object({
    from: z.string().describe('Workspace-relative path of the file to move'),
    to: z.string().describe('Workspace-relative new path of the file (not a folder)'),
    overwrite: z.boolean().optional().describe('Replace an existing file at `to` (default false)'),
  }),
  mutating: true,
  paths: (args) => [args.from, args.to],
  async run(args, ctx, signal) {
    const ws = ctx.workspace;
    if (!ws.moveFile) throw new ToolError('move_file is not available in this workspace; use run_command.');
    const r = await ws.moveFile(args.from, args.to, { overwrite: args.overwrite }, signal);
    return `Moved ${r.from} to ${r.to} (${r.bytes} bytes${r.overwrote ? `; replaced the previous ${r.to}` : ''}).`;
  },
});
