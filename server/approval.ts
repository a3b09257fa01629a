// Approval of what agents do: the policy decides, or the client is asked through `swarm/approval`.
// `run_command` follows the `approval` setting; any tool can get its own policy in `toolApproval`
// (e.g. edits set to ask). One RunApprovals per run: "allow for this run" answers are remembered
// there, and a stop (the run's or the agent's AbortSignal) wins over a question still open.
import type { ServerContext } from './context';
import { CancellationTokenSource } from 'vscode-languageserver/node';
import { ApprovalRequest, type ApprovalParams, type ApprovalPolicy, type ServerSettings } from './protocol';

/** True when `command` starts with an allowlisted prefix at a word boundary and chains nothing else. */
export function isAllowlisted(command: string, allowlist: string[]): boolean {
  const cmd = command.trim();
  if (/[;&|`$<>]|\n|\r/.test(cmd)) return false;
  return allowlist.some((prefix) => cmd === prefix || cmd.startsWith(prefix + ' '));
}

/** The policy for a tool: its `toolApproval` entry, else `approval` for run_command and `always` for the rest. */
export function policyFor(settings: ServerSettings, tool: string): ApprovalPolicy {
  const own = settings.toolApproval?.[tool];
  if (own) return own;
  return tool === 'run_command' ? settings.approval : 'always';
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
  /** Keys ("command:…", "tool:…") the user allowed for the rest of this run. */
  private readonly grants = new Set<string>();
  /** Questions still open, by key: a "for this run" answer settles the others with the same key. */
  private readonly open = new Map<string, Set<Waiter>>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly runId: string,
  ) {}

  /** ToolContext.approveCommand for one agent of the run. */
  command(agentId: string) {
    return (command: string, cwd: string, signal: AbortSignal): Promise<boolean> => {
      const settings = this.ctx.settings();
      const policy = policyFor(settings, 'run_command');
      if (policy === 'always') return Promise.resolve(true);
      if (policy === 'never') return Promise.resolve(false);
      if (isAllowlisted(command, settings.allowlist)) return Promise.resolve(true);
      if (policy === 'allowlist') return Promise.resolve(false);
      return this.ask(`command:${command}`, { runId: this.runId, agentId, kind: 'command', tool: 'run_command', command, cwd }, signal);
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
