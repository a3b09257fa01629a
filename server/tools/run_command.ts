import { z } from 'zod';
import { defineTool, ToolError } from './types';
import { execShell } from './process';

export const DEFAULT_TIMEOUT_MS = 120_000;
export const MAX_TIMEOUT_MS = 600_000;

export const runCommand = defineTool({
  name: 'run_command',
  description:
    'Run a shell command (/bin/sh -c; on Windows PowerShell, or cmd / Git Bash as configured) in the workspace root, e.g. tests, builds, git. The user may have to approve it. ' +
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
  }),
  mutating: true,
  async run(args, ctx, signal) {
    const cwd = ctx.workspace.root;
    const approved = await ctx.approveCommand(args.command, cwd, signal);
    if (signal.aborted) throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    if (!approved) {
      throw new ToolError(`The user declined to run this command: ${args.command}\nDo not retry it; try another approach or ask the user.`);
    }
    const timeoutMs = args.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    ctx.log.debug(`run_command: ${args.command}`);
    const r = await execShell(args.command, { cwd, timeoutMs, signal });
    const status = r.timedOut
      ? `[timed out after ${formatMs(timeoutMs)}; the process tree was killed]`
      : r.signal
        ? `[killed by ${r.signal}]`
        : `[exit code ${r.exitCode}]`;
    const stray = r.strayKilled ? '\n[processes it left running in the background were stopped]' : '';
    const out = r.output.length ? (r.output.endsWith('\n') ? r.output : r.output + '\n') : '(no output)\n';
    return `${out}${status}${stray}`;
  },
});

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
