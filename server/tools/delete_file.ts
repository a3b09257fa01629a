import { z } from 'zod';
import { defineTool, ToolError } from './types';

export const deleteFile = defineTool({
  name: 'delete_file',
  description:
    'Delete one file. A text file must have been read (read_file) in its current version first. ' +
    'The deletion is recorded in the run\'s checkpoint, so the user can restore it. Folders: use run_command.',
  parameters: z.object({
    path: z.string().describe('Workspace-relative path of the file'),
  }),
  mutating: true,
  paths: (args) => [args.path],
  async run(args, ctx, signal) {
    const ws = ctx.workspace;
    if (!ws.deleteFile) throw new ToolError('delete_file is not available in this workspace; use run_command.');
    const shown = ws.relative(await ws.resolve(args.path));
    await ws.deleteFile(args.path, signal);
    return `Deleted ${shown}.`;
  },
});
