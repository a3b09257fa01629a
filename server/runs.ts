// A run is one `swarm/run` request: a top-level agent over the workspace, cancellable as a tree.
import type { RunParams, RunResult, RunStatus, ServerSettings } from './protocol';
import { createEventSink } from './events';
import type { ServerContext } from './context';
import type { ChatModel } from './model/types';
import type { Tool } from './tools/types';
import { createModel } from './model';
import { builtinTools, orchestrationTools } from './tools';
import { AGENT_SYSTEM_PROMPT, initialMessages, workspaceContext } from './agent';
import { approverFor } from './approval';
import { ORCHESTRATOR_GUIDE, Scheduler, SwarmRun, KIMI_K25_PRICING, type Pricing } from './swarm';

const active = new Map<string, { controller: AbortController; swarm?: SwarmRun }>();

/** Aborts a run started by `swarm/run` (or one sub-agent of it); false when no such run/agent is active. */
export function cancelRun(runId: string, agentId?: string, reason = 'cancelled by the user'): boolean {
  const run = active.get(runId);
  if (!run) return false;
  if (agentId && agentId !== 'main') return run.swarm?.cancelAgent(agentId) ?? false;
  run.controller.abort(new DOMException(reason, 'AbortError'));
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

let scheduler: Scheduler | undefined;

/** The process-wide gate on model requests, kept in step with the settings. */
function schedulerFor(settings: ServerSettings): Scheduler {
  const limits = { concurrency: settings.concurrency, rpm: settings.rpm, tpm: settings.tpm };
  if (!scheduler) scheduler = new Scheduler(limits);
  else scheduler.setLimits(limits);
  return scheduler;
}

function pricingFor(settings: ServerSettings): Pricing | undefined {
  if (settings.pricing) return settings.pricing;
  return /api\.moonshot\.(ai|cn)/.test(settings.baseUrl) && settings.model.startsWith('kimi-k2.5') ? KIMI_K25_PRICING : undefined;
}

export async function executeRun(ctx: ServerContext, params: RunParams, signal: AbortSignal, deps: RunDeps = {}): Promise<RunResult> {
  const { runId } = params;
  if (active.has(runId)) throw new Error(`run ${runId} is already active`);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onOuterAbort, { once: true });
  const entry: { controller: AbortController; swarm?: SwarmRun } = { controller };
  active.set(runId, entry);

  const settings = ctx.settings();
  const agentId = 'main';
  const emit = createEventSink(ctx.connection, runId);
  const context = workspaceContext(ctx.workspace.root);
  const tools = deps.tools ?? builtinTools;

  let status: RunStatus = 'failed';
  let text = '';
  let error: string | undefined;
  let swarm: SwarmRun | undefined;
  try {
    const model = deps.model ?? createModel(settings, ctx.log);
    swarm = new SwarmRun({
      runId,
      model,
      scheduler: schedulerFor(settings),
      workspace: ctx.workspace,
      log: ctx.log,
      emit,
      approverFor: (id) => approverFor(ctx, runId, id),
      limits: settings,
      workerTools: tools,
      orchestrationTools,
      sharedContext: context,
      subagentThinking: settings.thinking === 'on',
      pricing: pricingFor(settings),
    });
    entry.swarm = swarm;
    emit({ type: 'run_started', agentId, task: params.task, model: model.id });
    const system = settings.swarm ? `${AGENT_SYSTEM_PROMPT}\n\n${ORCHESTRATOR_GUIDE}` : AGENT_SYSTEM_PROMPT;
    const messages = initialMessages({ system, context, task: params.task, images: params.images, history: params.history });
    const mainTools = settings.swarm ? [...tools, ...orchestrationTools] : tools;
    const result = await swarm.runMain(agentId, messages, mainTools, settings.maxSteps, resolveThinking(settings, params), controller.signal);
    ({ status, text, error } = result);
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
  const summary = swarm ? swarm.summary(agentId) : { wallMs: 0, steps: 0, toolCalls: 0, tokens: { input: 0, cachedInput: 0, output: 0 } };
  emit({ type: 'run_finished', agentId, status, summary });
  return { runId, status, text, ...(error ? { error } : {}), summary };
}
