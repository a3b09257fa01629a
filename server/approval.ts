// Command and write approval: inside the sandbox allowlisted commands run without asking; a
// command that needs more (not allowlisted, paths outside the workspace, network, no sandbox)
// is asked about with the reason, or refused with it when the policy never asks.
import type { ServerContext } from './context';
import { CancellationTokenSource } from 'vscode-languageserver/node';
import { ApprovalRequest, type ApprovalParams } from './protocol';
import { checkAllowlist } from './sandbox/allowlist';
import type { Sandbox } from './sandbox';
import type { Approval, CommandNeeds } from './tools/types';

/** True when `command` may run without asking (allowlisted prefix, nothing chained, nothing outside `root`). */
export function isAllowlisted(command: string, allowlist: string[], root = process.cwd()): boolean {
  return checkAllowlist(command, allowlist, root).ok;
}

const warned = new WeakSet<object>();

/** Reasons a command needs approval; empty when it may run without asking. */
export function commandReasons(ctx: ServerContext, sandbox: Sandbox, command: string, cwd: string, needs: CommandNeeds): string[] {
  const settings = ctx.settings();
  const reasons: string[] = [];
  const why = needs.why?.trim() ? `: ${needs.why.trim()}` : '';
  if (needs.outside) reasons.push(`it asks to run outside the sandbox${why}`);
  else if (!needs.sandboxed) {
    const a = sandbox.availability();
    const reason = a.kind ? 'the sandbox is not in use' : a.reason;
    if (!warned.has(sandbox)) {
      warned.add(sandbox);
      ctx.log.warn(`no OS sandbox: ${reason}. Every command needs approval and runs with your full permissions.`);
    }
    reasons.push(`no sandbox (${reason}): it would run with your full permissions`);
  }
  if (needs.network && !sandbox.networkAllowed && !needs.outside) reasons.push(`it asks for network access${why}`);
  const allow = checkAllowlist(command, settings.allowlist, cwd);
  if (!allow.ok) reasons.push(allow.reason);
  return reasons;
}

async function ask(ctx: ServerContext, params: ApprovalParams, signal: AbortSignal): Promise<boolean> {
  const cts = new CancellationTokenSource();
  const onAbort = () => cts.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await ctx.connection.sendRequest(ApprovalRequest, params, cts.token);
    return res?.approved === true;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The policy's answer for something that needs approval for `reason`. */
async function decide(ctx: ServerContext, params: ApprovalParams, signal: AbortSignal): Promise<Approval> {
  const policy = ctx.settings().approval;
  const reason = params.reason;
  if (policy === 'always') return { approved: true, reason };
  if (policy === 'allowlist') return { approved: false, reason: `refused without asking (approval is allowlist-only, e.g. the CLI without --yes) because ${reason}` };
  const approved = await ask(ctx, params, signal);
  return { approved, reason: approved ? reason : `the user declined it (asked because ${reason})` };
}

export function approverFor(ctx: ServerContext, runId: string, agentId: string) {
  return async (command: string, cwd: string, signal: AbortSignal, needs?: CommandNeeds): Promise<Approval> => {
    const sandbox = ctx.sandbox;
    const reasons = commandReasons(ctx, sandbox, command, cwd, needs ?? { sandboxed: sandbox.available });
    if (!reasons.length) return { approved: true };
    return decide(ctx, { runId, agentId, kind: 'command', command, cwd, reason: reasons.join('; ') }, signal);
  };
}

/** Writes to code-running config files (.vscode/tasks.json, .npmrc, …) need approval. */
export function writeApproverFor(ctx: ServerContext, runId: string, agentId: string) {
  return async (relPath: string, signal: AbortSignal): Promise<Approval> => {
    const reason = `${relPath} makes tools run code outside the sandbox (the editor, npm or git read it)`;
    return decide(ctx, { runId, agentId, kind: 'write', command: `write ${relPath}`, cwd: ctx.workspace.root, reason }, signal);
  };
}
