// git: read-only status and diff of the workspace repository, through simple-git.
import { z } from 'zod';
import { simpleGit } from 'simple-git';
import { defineTool, ToolError } from './types';

const MAX_DIFF_CHARS = 60_000;

export const gitTool = defineTool({
  name: 'git',
  description:
    'Read-only git: `status` (branch and changed files) or `diff` (unstaged and staged changes against HEAD) of the workspace repository, ' +
    'optionally limited to one `path`. It never commits, stages or changes refs.',
  parameters: z.object({
    action: z.enum(['status', 'diff']).describe('status or diff'),
    path: z.string().optional().describe('Workspace-relative file or folder to limit the output to'),
  }),
  mutating: false,
  async run(args, ctx, signal) {
    const root = ctx.workspace.root;
    const rel = args.path ? ctx.workspace.relative(await ctx.workspace.resolve(args.path)) : undefined;
    const git = simpleGit({ baseDir: root, abort: signal, timeout: { block: 30_000 } });
    let isRepo: boolean;
    try {
      isRepo = await git.checkIsRepo();
    } catch (err) {
      throw new ToolError(`git is not available: ${(err as Error).message}`);
    }
    if (!isRepo) throw new ToolError('The workspace is not a git repository.');
    const spec = rel && rel !== '.' ? ['--', rel] : [];
    try {
      if (args.action === 'status') {
        const s = await git.status(spec);
        const lines = s.files.map((f) => `${f.index}${f.working_dir} ${f.path}`);
        const head = `On branch ${s.current ?? '(detached)'}${s.tracking ? ` tracking ${s.tracking} (ahead ${s.ahead}, behind ${s.behind})` : ''}`;
        return lines.length ? `${head}\n${lines.join('\n')}\n(XY codes as in git status --short: X = staged, Y = unstaged, ?? = untracked)` : `${head}\nNothing changed.`;
      }
      const hasHead = await git.revparse(['--verify', '-q', 'HEAD']).then(() => true, () => false);
      const diff = hasHead ? await git.diff(['HEAD', ...spec]) : await git.diff(['--cached', ...spec]);
      if (!diff.trim()) return 'No changes against HEAD (untracked files do not show in a diff; use action "status").';
      return diff.length > MAX_DIFF_CHARS ? `${diff.slice(0, MAX_DIFF_CHARS)}\n[diff cut at ${MAX_DIFF_CHARS} characters of ${diff.length}; pass a path to see one file]` : diff;
    } catch (err) {
      if (signal.aborted) throw err;
      throw new ToolError(`git ${args.action} failed: ${(err as Error).message}`);
    }
  },
});
