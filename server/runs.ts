// A run is one `swarm/run` request: a top-level agent over the workspace, cancellable as a tree.
import type { RunParams, RunResult, RunStatus, ServerSettings, SwarmEvent } from './protocol';
import type { ServerContext } from './context';
import type { ChatModel } from './model/types';
import type { Tool, ToolContext } from './tools/types';
import { createModel } from './model';
import { builtinTools } from './tools';
import { AGENT_SYSTEM_PROMPT, initialMessages, runAgent, workspaceContext } from './agent';
import { approverFor } from './approval';

const active = new Map<string, AbortController>();

/** Aborts a run started by `swarm/run`; false when no such run is active. */
export function cancelRun(runId: string, reason = 'cancelled by the user'): boolean {
  const ctl = active.get(runId);
  if (!ctl) return false;
  ctl.abort(new DOMException(reason, 'AbortError'));
  return true;
}

export function activeRunIds(): string[] {
  return [...active.keys()];
}

export function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof Error && err.name === 'AbortError');
}

export function resolveThinking(settings: ServerSettings, params: RunParams): boolean {
  const mode = params.thinking ?? settings.thinking;
  return mode !== 'off';
}

export interface RunDeps {
  /** Injected in tests and by the swarm; defaults to the configured endpoint. */
  model?: ChatModel;
  tools?: Tool[];
}

export async function executeRun(ctx: ServerContext, params: RunParams, signal: AbortSignal, deps: RunDeps = {}): Promise<RunResult> {
  const { runId } = params;
  if (active.has(runId)) throw new Error(`run ${runId} is already active`);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onOuterAbort, { once: true });
  active.set(runId, controller);

  const settings = ctx.settings();
  const agentId = 'main';
  const started = Date.now();
  const emit = (event: SwarmEvent) => ctx.connection.sendNotification('swarm/event', { runId, event });
  const toolContext: ToolContext = {
    workspace: ctx.workspace,
    runId,
    agentId,
    log: ctx.log,
    approveCommand: approverFor(ctx, runId, agentId),
  };

  let status: RunStatus = 'failed';
  let text = '';
  let error: string | undefined;
  let steps = 0;
  let toolCalls = 0;
  let tokens = { input: 0, cachedInput: 0, output: 0 };
  try {
    const model = deps.model ?? createModel(settings, ctx.log);
    emit({ type: 'run_started', agentId, task: params.task, model: model.id });
    const result = await runAgent(
      {
        agentId,
        model,
        tools: deps.tools ?? builtinTools,
        messages: initialMessages({
          system: AGENT_SYSTEM_PROMPT,
          context: workspaceContext(ctx.workspace.root),
          task: params.task,
          images: params.images,
          history: params.history,
        }),
        thinking: resolveThinking(settings, params),
        maxSteps: settings.maxSteps,
        toolContext,
        emit,
      },
      controller.signal,
    );
    ({ status, text, error, steps, toolCalls, tokens } = result);
    if (error) emit({ type: 'error', agentId, message: error });
  } catch (err) {
    if (isAbort(err, controller.signal)) {
      status = 'cancelled';
    } else {
      status = 'failed';
      error = err instanceof Error ? err.message : String(err);
      if (!(err instanceof Error && err.name === 'ModelError')) ctx.log.error(`run ${runId} failed: ${err instanceof Error ? err.stack : err}`);
      emit({ type: 'error', agentId, message: error });
    }
  } finally {
    active.delete(runId);
    signal.removeEventListener('abort', onOuterAbort);
  }
  const summary = { wallMs: Date.now() - started, steps, toolCalls, tokens, agents: 1, totalSteps: steps, criticalSteps: steps };
  emit({ type: 'run_finished', agentId, status, summary });
  return { runId, status, text, ...(error ? { error } : {}), summary };
}
