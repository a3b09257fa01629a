import { z } from 'zod';
import { defineTool, ToolError } from './types';
import { execShell, hostShell } from './process';
import { ShellError } from './shell';
import { defaultSandbox } from './sandboxed';

export const DEFAULT_TIMEOUT_MS = 120_000;
export const MAX_TIMEOUT_MS = 600_000;

export const runCommand = defineTool({
  name: 'run_command',
  description:
    'Run a shell command (/bin/sh -c; on Windows PowerShell, or cmd / Git Bash as configured) in the workspace root, e.g. tests, builds, git. ' +
    'It runs in a sandbox: the workspace is writable (its .git read-only), the rest of the file system read-only, ' +
    'credentials hidden, /tmp private, no network. Allowlisted commands run at once; others need the user\'s approval. ' +
    'If a command needs network (e.g. installing packages) set network: true, or if it must run outside the sandbox set outside_sandbox: true, ' +
    'each with a `reason` the user will read. ' +
    'stdin is closed; stdout and stderr are combined; long output keeps its head and tail. ' +
    `The whole process tree is stopped after timeout_ms (default ${DEFAULT_TIMEOUT_MS / 1000} s) and when the command ` +
    'exits, so do not start servers in the background expecting them to stay up.',
  parameters: z.object({
    command: z.string().min(1).describe('The shell command line'),
    timeout_ms: z
      .number()
      .int()
      .min(1)
      .max(MAX_TIMEOUT_MS)
      .optional()
      .describe(`Time limit in milliseconds (default ${DEFAULT_TIMEOUT_MS}, at most ${MAX_TIMEOUT_MS})`),
    network: z.boolean().optional().describe('The command needs network access (asks the user unless network is allowed)'),
    outside_sandbox: z.boolean().optional().describe('The command must run outside the sandbox (always asks the user)'),
    reason: z.string().optional().describe('Why the command needs network or to run outside the sandbox; shown to the user'),
  }),
  mutating: true,
  async run(args, ctx, signal) {
    if (args.command.includes('\0')) throw new ToolError('The command contains a NUL byte; a shell command line cannot. Nothing was run.');
    const cwd = ctx.workspace.root;
    const sandbox = ctx.sandbox ?? defaultSandbox();
    // A configured shell that is missing: said before anyone is asked to approve the command.
    try {
      hostShell(args.command, sandbox.shell);
    } catch (err) {
      if (err instanceof ShellError) throw new ToolError(`${err.message} Nothing was run; ask the user to fix swarmcode.shell (or --shell).`);
      throw err;
    }
    const sandboxed = sandbox.available && args.outside_sandbox !== true;
    const needs = { sandboxed, network: args.network === true, outside: args.outside_sandbox === true, why: args.reason };
    const approval = await ctx.approveCommand(args.command, cwd, signal, needs);
    if (signal.aborted) throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    if (!approval.approved) {
      throw new ToolError(`The command was not run: ${approval.reason ?? 'the user declined it'}.\nCommand: ${args.command}\nDo not retry it as is; try another approach or ask the user.`);
    }
    const timeoutMs = args.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    ctx.log.debug(`run_command${sandboxed ? ' (sandboxed)' : ''}: ${args.command}`);
    // Multi-root: every root writable (their .git read-only); cwd is the folder of links to them.
    const roots = ctx.workspace.roots ?? [cwd];
    const box = roots.length > 1 || roots[0] !== cwd ? { writable: [...roots], readOnly: [cwd] } : {};
    const via = sandboxed ? (argv: string[]) => sandbox.wrap(argv, cwd, { ...box, network: needs.network }) : undefined;
    const exec = () => execShell(args.command, { cwd, timeoutMs, signal, via, env: sandbox.childEnv(), shell: sandbox.shell });
    // In a run, the files the command changes are journaled (review lists them, reject undoes them).
    const journaled = ctx.workspace.journalCommand ? await ctx.workspace.journalCommand(exec) : { value: await exec() };
    const r = journaled.value;
    const notReviewed = 'untracked' in journaled && journaled.untracked ? `\n[the files it changed are not in the run's review: ${journaled.untracked}]` : '';
    const notice = 'notice' in journaled && journaled.notice ? `\n${journaled.notice}` : '';
    const status = r.timedOut
      ? `[timed out after ${formatMs(timeoutMs)}; the process tree was killed]`
      : r.signal
        ? `[killed by ${r.signal}]`
        : `[exit code ${r.exitCode}]`;
    const stray = r.strayKilled ? '\n[processes it left running in the background were stopped]' : '';
    const out = r.output.length ? (r.output.endsWith('\n') ? r.output : r.output + '\n') : '(no output)\n';
    return `${out}${status}${stray}${notReviewed}${notice}`;
  },
});

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
