import * as fs from 'node:fs/promises';
import { z } from 'zod';
import { defineTool } from './types';
import { guardWrite } from './write-guard';

export const writeFile = defineTool({
  name: 'write_file',
  description:
    'Create a file or replace its whole content. Parent folders are created. ' +
    'Prefer edit_file for changing part of an existing file; overwriting an existing file needs a read_file of its current version first.',
  parameters: z.object({
    path: z.string().describe('Workspace-relative path of the file'),
    content: z.string().describe('The complete new content of the file'),
  }),
  mutating: true,
  paths: (args) => [args.path],
  async run(args, ctx, signal) {
    const ws = ctx.workspace;
    const abs = await ws.resolve(args.path);
    await guardWrite(ctx, abs, signal, { tool: 'write_file', args });
    const existed = await fs.stat(abs).then(
      () => true,
      () => false,
    );
    await ws.writeText(args.path, args.content, signal);
    const lines = args.content === '' ? 0 : args.content.split('\n').length - (args.content.endsWith('\n') ? 1 : 0);
    const bytes = Buffer.byteLength(args.content, 'utf8');
    return `${existed ? 'Overwrote' : 'Created'} ${ws.relative(abs)} (${lines} line${lines === 1 ? '' : 's'}, ${bytes} bytes).`;
  },
});
