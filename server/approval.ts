// Approval of what agents do. Inside the sandbox allowlisted commands run without asking; a
// command that needs more (not allowlisted, paths outside the workspace, network, no sandbox) and a
// write to a code-running config file are asked about with the reason, or refused with it when the
// policy never asks. `run_command` (and those writes) follow the `approval` setting; any tool can get
// its own policy in `toolApproval` (e.g. edits set to ask). One RunApprovals per run: "allow for
// this run" answers are remembered there, and a stop (the run's or the agent's AbortSignal) wins
// over a question still open.
import type { ServerContext } from './context';
import { CancellationTokenSource } from './protocol/rpc';
import { ApprovalRequest, type ApprovalParams, type ApprovalPolicy, type ServerSettings } from './protocol';
import { checkAllowlist } from './sandbox/allowlist';
import type { Sandbox } from './sandbox';
import type { Approval, CommandNeeds } from './tools/types';
import { isMcpTool, mcpPolicy } from './mcp/approval';

/** True when `command` may run without asking (allowlisted prefix, nothing chained, nothing outside `root`). */
export function isAllowlisted(command: string, allowlist: string[], root = process.cwd()): boolean {
  return checkAllowlist(command, allowlist, root).ok;
}

/** The policy for a tool: its `toolApproval` entry, else `approval` for run_command, MCP tools' own (`ask` by default, server/mcp/approval.ts), and `always` for the rest. */
export function policyFor(settings: ServerSettings, tool: string): ApprovalPolicy {
  const own = settings.toolApproval?.[tool];
  if (own) return own;
  if (isMcpTool(tool)) return mcpPolicy(settings, tool);
  return tool === 'run_command' ? settings.approval : 'always';
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

/** Arguments shown to the user in a tool approval: pretty JSON, cut past this many characters. */
const MAX_ARGS_CHARS = 100_000;

function argsText(args: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(args, null, 2) ?? String(args);
  } catch {
    text = String(args);
  }
  return text.length > MAX_ARGS_CHARS ? `${text.slice(0, MAX_ARGS_CHARS)}\n… [${text.length - MAX_ARGS_CHARS} more characters]` : text;
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

type Waiter = (approved: boolean) => void;

export class RunApprovals {
  /** Keys ("command:…", "write:…", "tool:…") the user allowed for the rest of this run. */
  private readonly grants = new Set<string>();
  /** Questions still open, by key: a "for this run" answer settles the others with the same key. */
  private readonly open = new Map<string, Set<Waiter>>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly runId: string,
  ) {}

  /** ToolContext.approveCommand for one agent of the run. */
  command(agentId: string) {
    return async (command: string, cwd: string, signal: AbortSignal, needs?: CommandNeeds): Promise<Approval> => {
      const policy = policyFor(this.ctx.settings(), 'run_command');
      if (policy === 'never') return { approved: false, reason: 'commands are refused without asking (the run_command policy is never)' };
      const sandbox = this.ctx.sandbox;
      const reasons = commandReasons(this.ctx, sandbox, command, cwd, needs ?? { sandboxed: sandbox.available });
      if (!reasons.length) return { approved: true };
      const reason = reasons.join('; ');
      // "For this run" covers this exact command, where it runs, and why it was asked (a grant
      // for `npm test` in the sandbox is no grant for `npm test` outside it).
      const key = `command:${cwd}\u0000${command}\u0000${reason}`;
      return this.decide(policy, key, { runId: this.runId, agentId, kind: 'command', tool: 'run_command', command, cwd, reason }, signal);
    };
  }

  /** ToolContext.approveWrite: writes to code-running config files (.vscode/tasks.json, .npmrc, …) follow the run_command policy. */
  write(agentId: string) {
    return (relPath: string, signal: AbortSignal, call?: { tool: string; args: unknown }): Promise<Approval> => {
      const policy = policyFor(this.ctx.settings(), 'run_command');
      const reason = `${relPath} makes tools run code outside the sandbox (the editor, npm or git read it)`;
      if (policy === 'never') return Promise.resolve({ approved: false, reason: `refused without asking (the run_command policy is never) because ${reason}` });
      const params: ApprovalParams & { reason: string } = { runId: this.runId, agentId, kind: 'write', tool: call?.tool ?? 'write_file', path: relPath, command: `write ${relPath}`, args: call ? argsText(call.args) : '', cwd: this.ctx.workspace.root, reason };
      return this.decide(policy, `write:${relPath}`, params, signal);
    };
  }

  /** ToolContext.approveTool for one agent of the run (every tool but run_command, which asks itself). */
  tool(agentId: string) {
    return (tool: string, args: unknown, signal: AbortSignal): Promise<boolean> => {
      const policy = policyFor(this.ctx.settings(), tool);
      if (policy === 'always') return Promise.resolve(true);
      // `never`, and `allowlist` (which only lists commands), refuse without asking.
      if (policy !== 'ask') return Promise.resolve(false);
      return this.ask(`tool:${tool}`, { runId: this.runId, agentId, kind: 'tool', tool, args: argsText(args), cwd: this.ctx.workspace.root }, signal);
    };
  }

  /**
   * ToolContext.approveSwarm: a spawn_swarm wider than `swarmConfirmWidth` (default 32; 0 = never
   * ask) asks the user first, whatever the command policy (a cost guard, not a safety one). "For
   * this run" covers every later wide swarm of the run.
   */
  swarm(agentId: string) {
    return async (width: number, args: unknown, signal: AbortSignal): Promise<Approval> => {
      const limit = this.ctx.settings().swarmConfirmWidth ?? 32;
      if (limit <= 0 || width <= limit) return { approved: true };
      const reason = `it starts ${width} sub-agents at once, more than swarmcode.swarm.confirmWidth (${limit})`;
      const approved = await this.ask('swarm', { runId: this.runId, agentId, kind: 'swarm', tool: 'spawn_swarm', width, limit, args: argsText(args), cwd: this.ctx.workspace.root, reason }, signal);
      return { approved, reason: approved ? reason : `the user declined it (asked because ${reason})` };
    };
  }

  /** The policy's answer for something that needs approval for `params.reason`. */
  private async decide(policy: ApprovalPolicy, key: string, params: ApprovalParams & { reason: string }, signal: AbortSignal): Promise<Approval> {
    const reason = params.reason;
    if (policy === 'always') return { approved: true, reason };
    if (policy !== 'ask') return { approved: false, reason: `refused without asking (approval is allowlist-only, e.g. the CLI without --yes) because ${reason}` };
    const approved = await this.ask(key, params, signal);
    return { approved, reason: approved ? reason : `the user declined it (asked because ${reason})` };
  }

  private async ask(key: string, params: ApprovalParams, signal: AbortSignal): Promise<boolean> {
    signal.throwIfAborted();
    if (this.grants.has(key)) return true;
    const cts = new CancellationTokenSource();
    let onAbort = () => undefined as void;
    let settle: Waiter = () => undefined;
    const waiters = this.open.get(key) ?? new Set<Waiter>();
    this.open.set(key, waiters);
    try {
      return await new Promise<boolean>((resolve, reject) => {
        // Another question with this key was answered "for this run": this one is settled too
        // and withdrawn from the client ($/cancelRequest).
        settle = (approved) => {
          cts.cancel();
          resolve(approved);
        };
        waiters.add(settle);
        onAbort = () => {
          cts.cancel();
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.ctx.connection.sendRequest(ApprovalRequest, params, cts.token).then(
          (res) => {
            const approved = res?.approved === true;
            waiters.delete(settle);
            if (approved && res.scope === 'run') this.grant(key);
            resolve(approved);
          },
          (err: unknown) => {
            if (signal.aborted || cts.token.isCancellationRequested) return;
            // A client that cannot ask (no handler, an error) declines; the model is told so.
            this.ctx.log.warn(`run ${this.runId}: approval request failed, treated as declined: ${err instanceof Error ? err.message : String(err)}`);
            resolve(false);
          },
        );
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
      waiters.delete(settle);
      if (!waiters.size) this.open.delete(key);
      cts.dispose();
    }
  }

  private grant(key: string): void {
    this.grants.add(key);
    for (const settle of [...(this.open.get(key) ?? [])]) settle(true);
  }
}

/** The command approver of one agent outside a run's RunApprovals (e.g. swarm/refactor's test command). */
export function approverFor(ctx: ServerContext, runId: string, agentId: string) {
  return new RunApprovals(ctx, runId).command(agentId);
}
