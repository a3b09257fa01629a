// git: read-only status and diff of the workspace repository. git runs with no shell, inside the
// sandbox with nothing writable, and with every repository-config hook that runs programs turned
// off: fsmonitor, hooks, pagers, external diff, textconv and clean/smudge filters (a repository's
// .git/config is not the user's to trust; docs/security.md).
import * as path from 'node:path';
import { z } from 'zod';
import { defineTool, ToolError, type ToolContext } from './types';
import { execArgv } from './process';
import { defaultSandbox } from './sandboxed';
import { SAFE_GIT_CONFIG, configArgs, filterNames, filterOverrides } from '../sandbox/git-config';

const MAX_DIFF_CHARS = 60_000;
const GIT_TIMEOUT_MS = 30_000;

interface GitResult {
  code: number | null;
  out: string;
}

async function git(ctx: ToolContext, args: string[], signal: AbortSignal, root = ctx.workspace.root): Promise<GitResult> {
  const sandbox = ctx.sandbox ?? defaultSandbox();
  const via = (argv: string[]) => sandbox.wrap(argv, root, { writable: [], readOnly: [root], network: false });
  const r = await execArgv(['git', '--no-pager', ...configArgs(SAFE_GIT_CONFIG), ...args], { cwd: root, timeoutMs: GIT_TIMEOUT_MS, signal, via, env: gitEnv(sandbox.childEnv()) });
  if (r.timedOut) throw new ToolError(`git ${args[0]} timed out after ${GIT_TIMEOUT_MS / 1000} s`);
  return { code: r.exitCode, out: r.output };
}

/** The child environment without variables that point git elsewhere or make it run programs. */
function gitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' };
  for (const k of Object.keys(out)) if (/^GIT_(DIR|WORK_TREE|INDEX_FILE|EXTERNAL_DIFF|PAGER|EDITOR|SSH|SSH_COMMAND|ASKPASS|CONFIG|CONFIG_PARAMETERS|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+|EXEC_PATH|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|NAMESPACE)$/.test(k)) delete out[k];
  return out;
}

/** `-c filter.NAME.…=` for every filter driver the repository config defines. */
async function filterArgs(ctx: ToolContext, signal: AbortSignal, root: string): Promise<string[]> {
  const r = await git(ctx, ['config', '--get-regexp', '^filter\\.'], signal, root);
  return configArgs(filterOverrides(filterNames(r.out)));
}

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
  paths: (args) => [args.path ?? '.'],
  async run(args, ctx, signal) {
    const ws = ctx.workspace;
    const abs = args.path ? await ws.resolve(args.path) : undefined;
    // Multi-root: git runs in the folder the path is in (paths it prints are relative to that folder).
    const roots = ws.folders ? (ws.roots ?? []) : [];
    const repo = roots.length ? roots.find((r) => abs !== undefined && (abs === r || abs.startsWith(r + path.sep))) : ws.root;
    if (!repo) throw new ToolError(`This workspace has several folders (${ws.folders!.join(', ')}): give a path in one of them, e.g. path "${ws.folders![0]}".`);
    const rel = abs === undefined ? undefined : roots.length ? path.relative(repo, abs).split(path.sep).join('/') || '.' : ws.relative(abs);
    let inside: GitResult;
    try {
      inside = await git(ctx, ['rev-parse', '--is-inside-work-tree'], signal, repo);
    } catch (err) {
      if (signal.aborted || err instanceof ToolError) throw err;
      throw new ToolError(`git is not available: ${(err as Error).message}`);
    }
    if (inside.code !== 0 || inside.out.trim() !== 'true') throw new ToolError('The workspace is not a git repository.');
    const spec = rel && rel !== '.' ? ['--', rel] : [];
    const filters = await filterArgs(ctx, signal, repo);
    if (args.action === 'status') {
      const s = await git(ctx, [...filters, 'status', '--porcelain=v1', '--branch', ...spec], signal, repo);
      if (s.code !== 0) throw new ToolError(`git status failed: ${s.out.trim()}`);
      const [branch = '', ...lines] = s.out.split('\n').filter(Boolean);
      const head = `On branch ${branch.replace(/^## /, '')}`;
      return lines.length ? `${head}\n${lines.join('\n')}\n(XY codes as in git status --short: X = staged, Y = unstaged, ?? = untracked)` : `${head}\nNothing changed.`;
    }
    const hasHead = (await git(ctx, ['rev-parse', '--verify', '-q', 'HEAD'], signal, repo)).code === 0;
    const d = await git(ctx, [...filters, 'diff', '--no-ext-diff', '--no-textconv', '--no-color', ...(hasHead ? ['HEAD'] : ['--cached']), ...spec], signal, repo);
    if (d.code !== 0) throw new ToolError(`git diff failed: ${d.out.trim()}`);
    const diff = d.out;
    if (!diff.trim()) return 'No changes against HEAD (untracked files do not show in a diff; use action "status").';
    return diff.length > MAX_DIFF_CHARS ? `${diff.slice(0, MAX_DIFF_CHARS)}\n[diff cut at ${MAX_DIFF_CHARS} characters of ${diff.length}; pass a path to see one file]` : diff;
  },
});
