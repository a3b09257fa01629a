// run_command approval: the policy decides, or the client is asked through `swarm/approval`.
import type { ServerContext } from './context';
import { CancellationTokenSource } from 'vscode-languageserver/node';
import { ApprovalRequest } from './protocol';

/** True when `command` starts with an allowlisted prefix at a word boundary and chains nothing else. */
export function isAllowlisted(command: string, allowlist: string[]): boolean {
  const cmd = command.trim();
  if (/[;&|`$<>]|\n/.test(cmd)) return false;
  return allowlist.some((prefix) => cmd === prefix || cmd.startsWith(prefix + ' '));
}

export function approverFor(ctx: ServerContext, runId: string, agentId: string) {
  return async (command: string, cwd: string, signal: AbortSignal): Promise<boolean> => {
    const settings = ctx.settings();
    if (settings.approval === 'always') return true;
    if (isAllowlisted(command, settings.allowlist)) return true;
    if (settings.approval === 'allowlist') return false;
    const cts = new CancellationTokenSource();
    const onAbort = () => cts.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await ctx.connection.sendRequest(ApprovalRequest, { runId, agentId, kind: 'command', command, cwd }, cts.token);
      return res?.approved === true;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}
