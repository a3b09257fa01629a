// repo_map: the workspace's most important definitions, ranked (server/index/repo_map.ts).
import { z } from 'zod';
import { defineTool, ToolError } from './types';

export const repoMap = defineTool({
  name: 'repo_map',
  description:
    'A ranked map of the repository: files and their most referenced definitions, within a token budget. ' +
    '`focus` lists files or identifiers to centre the map on.',
  parameters: z.object({
    focus: z.array(z.string()).optional().describe('Workspace-relative files and/or identifiers'),
    max_tokens: z.number().int().min(64).max(16_384).optional().describe('Budget, default 1024'),
  }),
  mutating: false,
  async run(args, ctx, signal) {
    const index = ctx.services?.index;
    if (!index) throw new ToolError('repo_map is not available in this session (no symbol index)');
    const focus = args.focus ?? [];
    const focusFiles = focus.filter((f) => f.includes('/') || /\.[A-Za-z0-9]+$/.test(f)).map((f) => f.replace(/^\.\//, ''));
    const focusIdents = focus.filter((f) => !focusFiles.includes(f.replace(/^\.\//, '')));
    const map = await index.buildRepoMap({ focusFiles, focusIdents, maxTokens: args.max_tokens ?? 1024 }, signal);
    return map || 'The repository has no source files with symbols the map understands.';
  },
});
