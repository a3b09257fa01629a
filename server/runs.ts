// A run is one `swarm/run` request: a top-level agent over the workspace, cancellable as a tree.
import type { RunParams, RunResult, RunStatus, ServerSettings, SwarmEvent } from './protocol';
import { createEventSink } from './events';
import type { ServerContext } from './context';
import { createModelForRun } from './model';
import { builtinTools, orchestrationTools } from './tools';
import type { Tool } from './tools/types';
import { AGENT_SYSTEM_PROMPT, initialMessages, planTools, withFolderRules, workspaceContext } from './agent';
import { RunApprovals, policyFor } from './approval';
import { loadSkill } from './tools/load_skill';
import { hostShellKind } from './tools/process';
import { readOnlyWorkspace } from './workspace';
import { prepareRunRules, type RunRules } from './run-rules';
import { codeIndexFor } from './index/service';
import type { CodeIndex } from './index';
import { mcpFor, type McpRunTools } from './mcp';
import { isMcpTool } from './mcp/approval';
import { ORCHESTRATOR_GUIDE, Scheduler, SwarmRun, Worktrees, KIMI_K25_PRICING, type Pricing } from './swarm';
import { BudgetExceededError, effectiveBudget, RunSpend } from './swarm/budget';

const active = new Map<string, { controller: AbortController; swarm?: SwarmRun }>();

/** Aborts a run started by `swarm/run` (or one sub-agent of it); false when no such run/agent is active. */
export function cancelRun(runId: string, agentId?: string, reason = 'cancelled by the user'): boolean {
  const run = active.get(runId);
  if (!run) return false;
  if (agentId && agentId !== 'main') return run.swarm?.cancelAgent(agentId) ?? false;
  run.controller.abort(new DOMException(reason, 'AbortError'));
  return true;
}

/** Asks a live agent of a run to compact its conversation before its next step; false when there is none. */
export function requestCompaction(runId: string, agentId: string): boolean {
  return active.get(runId)?.swarm?.requestCompaction(agentId) ?? false;
}

export function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof Error && err.name === 'AbortError');
}

export function resolveThinking(settings: ServerSettings, params: RunParams): boolean {
  const mode = params.thinking ?? settings.thinking;
  return mode !== 'off';
}

let scheduler: Scheduler | undefined;

/** The process-wide gate on model requests, kept in step with the settings. */
function schedulerFor(settings: ServerSettings): Scheduler {
  // outputTokens: what a request without its own cap is booked at, when its model names no default.
  const limits = { concurrency: settings.concurrency, rpm: settings.rpm, tpm: settings.tpm, outputTokens: settings.maxOutputTokens, endpoint: `${settings.baseUrl} ${settings.model}` };
  if (!scheduler) scheduler = new Scheduler(limits);
  else scheduler.setLimits(limits);
  return scheduler;
}

function pricingFor(settings: ServerSettings): Pricing | undefined {
  if (settings.pricing) return settings.pricing;
  return /api\.moonshot\.(ai|cn)/.test(settings.baseUrl) && settings.model.startsWith('kimi-k2.5') ? KIMI_K25_PRICING : undefined;
}

const REPO_MAP_WAIT_MS = 3000;

/** Identifiers a task mentions (for the repo map's personalisation). */
export function identifiersIn(task: string): string[] {
  return [...new Set(task.match(/[A-Za-z_$][A-Za-z0-9_$]{2,}/g) ?? [])];
}

/**
 * The context every agent of the run shares after its system prompt: the workspace, then the
 * ranked repo map. A map that is not ready within a few seconds (the index is still building on
 * a first run) is left out rather than holding the run up.
 */
async function sharedContext(ctx: ServerContext, index: CodeIndex, task: string, prefix: string, maxTokens: number, signal: AbortSignal): Promise<string> {
  // Rules and skills first: right after the system prompt, identical for every agent of the run.
  const ws = ctx.workspace;
  const folders = ws.folders?.map((name, i) => ({ name, path: ws.roots?.[i] ?? '' }));
  const where = workspaceContext(ws.root, hostShellKind(ctx.sandbox.shell), folders);
  const base = prefix ? `${prefix}\n\n${where}` : where;
  if (maxTokens <= 0) return base;
  const wait = new AbortController();
  const timer = setTimeout(() => wait.abort(), REPO_MAP_WAIT_MS);
  try {
    const map = await index.buildRepoMap({ focusIdents: identifiersIn(task), maxTokens }, AbortSignal.any([signal, wait.signal]));
    return map ? `${base}\n\nRepository map (definitions ranked by relevance to the task):\n${map}` : base;
  } catch (err) {
    signal.throwIfAborted();
    ctx.log.info(`repo map left out of this run: ${wait.signal.aborted ? 'the index is still building' : (err as Error).message}`);
    return base;
  } finally {
    clearTimeout(timer);
  }
}

const SETTLE_MS = 30_000;

/** True when every sub-agent of `swarm` has ended within `ms`. */
async function settledWithin(swarm: SwarmRun, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([swarm.settled().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Plan mode's tool approval: read-only MCP tools without asking (unless `never`), the rest as usual. */
function planToolApprover(ctx: ServerContext, usual: ReturnType<RunApprovals['tool']>): ReturnType<RunApprovals['tool']> {
  return (tool, args, signal) => (isMcpTool(tool) && policyFor(ctx.settings(), tool) !== 'never' ? Promise.resolve(true) : usual(tool, args, signal));
}

/** What a caller adds to a run. */
export interface RunExtension {
  /** The resolved attached context (server/attachments), put after the task in the user's turn. */
  attachments?: string;
  /**
   * After the top-level agent ended `done` (and merge conflicts went back to it), with the run's
   * journal still open: sub-agents it launches are part of the run (events, review, cancel).
   * swarm/refactor's test-and-fix rounds.
   */
  afterMain?(run: { swarm: SwarmRun; mainId: string; signal: AbortSignal }): Promise<void>;
}

export async function executeRun(ctx: ServerContext, params: RunParams, signal: AbortSignal, extra: RunExtension = {}): Promise<RunResult> {
  const { runId } = params;
  if (active.has(runId)) throw new Error(`run ${runId} is already active`);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(signal.reason);
  // A signal aborted before the run began (a cancel that landed while attachments resolved) fires
  // no 'abort' event any more: the run starts cancelled.
  if (signal.aborted) onOuterAbort();
  else signal.addEventListener('abort', onOuterAbort, { once: true });
  const entry: { controller: AbortController; swarm?: SwarmRun } = { controller };
  active.set(runId, entry);

  const started = Date.now();
  const settings = ctx.settings();
  const agentId = 'main';
  const sink = createEventSink(ctx.connection, runId);
  // run_finished is the run's last event: anything later is a bug, logged instead of sent.
  // Events carry tool outputs and errors: known secret values are cut out of every one.
  let finished = false;
  const emit: typeof sink = (event) => {
    if (finished) return ctx.log.warn(`run ${runId}: ${event.type} of ${event.agentId} after run_finished was dropped`);
    const json = JSON.stringify(event);
    const clean = ctx.sandbox.redact(json);
    sink(clean === json ? event : (JSON.parse(clean) as SwarmEvent));
  };
  const index = codeIndexFor(ctx);
  let tools = builtinTools;
  let rules: RunRules | undefined;
  let mcp: McpRunTools | undefined;

  let status: RunStatus = 'failed';
  let text = '';
  let error: string | undefined;
  let swarm: SwarmRun | undefined;
  // Checkpoint journal: every first write of a file in this run is journaled before it happens.
  // Plan mode journals nothing: it cannot write.
  const runWorkspace = params.plan ? undefined : ctx.workspace.forRun?.(runId, params.task);
  let worktrees: Worktrees | undefined;
  let conflicts: string[] = [];
  let spend: RunSpend | undefined;
  try {
    const pricing = pricingFor(settings);
    // The budget stops the whole run (every agent, in-flight requests) the moment a usage report crosses it.
    spend = new RunSpend(effectiveBudget(params.budget, settings, pricing), pricing, (err) => controller.abort(err));
    rules = await prepareRunRules(ctx, params, controller.signal);
    const plan = rules.plan;
    const runRules = rules;
    const shape = (all: Tool[]): Tool[] => {
      let t = all;
      if (runRules.skills.skills.length) t = [...t, loadSkill];
      if (plan) t = planTools(t);
      // Nested AGENTS.md files come with an agent's first tool result under their folder.
      return withFolderRules(t, runRules.folders);
    };
    // MCP tools join the built-ins for the top-level agent and every sub-agent (shaped like them:
    // plan mode keeps the readOnlyHint ones); a server that fails is reported to the user and (in
    // the shared context) to the model, never fatal.
    mcp = await mcpFor(ctx).forRun(tools, controller.signal, shape);
    tools = mcp.tools;
    for (const problem of mcp.problems) emit({ type: 'error', agentId, message: problem });
    for (const problem of rules.problems) emit({ type: 'error', agentId, message: problem });
    if (!plan && (params.worktrees ?? settings.subagentWorktrees)) {
      const why = await Worktrees.unavailable(ctx.workspace.root);
      if (why) throw new Error(why);
      worktrees = new Worktrees(ctx.workspace.root, ctx.log, runId);
    }
    const model = spend.gate(await createModelForRun(settings, ctx.log, controller.signal));
    const runSpend = spend;
    const approvals = new RunApprovals(ctx, runId);
    let context = await sharedContext(ctx, index, rules.task, rules.prefix, settings.repoMapTokens, controller.signal);
    if (mcp.problems.length) context += `\n\nUnavailable MCP servers (their tools are missing in this run):\n${mcp.problems.map((p) => `- ${p}`).join('\n')}`;
    swarm = new SwarmRun({
      runId,
      model,
      scheduler: schedulerFor(settings),
      // Plan mode: a workspace that refuses every write, and no command is ever approved.
      workspace: plan ? readOnlyWorkspace(ctx.workspace) : (runWorkspace ?? ctx.workspace),
      log: ctx.log,
      // Each model response's usage also updates the run's spend (and may stop the run), then the running total goes out.
      emit: (event) => {
        emit(event);
        if (event.type !== 'usage') return;
        runSpend.add(event.tokens);
        emit({ type: 'run_usage', agentId, tokens: { ...runSpend.tokens }, ...(runSpend.costUsd !== undefined ? { costUsd: runSpend.costUsd } : {}), ...(runSpend.budget ? { budget: runSpend.budget } : {}) });
      },
      // Plan mode: no command is ever approved, and no one is asked (the looking tools keep the user's policies).
      approverFor: (id) => (plan ? async () => ({ approved: false, reason: 'plan mode runs no commands' }) : approvals.command(id)),
      writeApproverFor: (id) => approvals.write(id),
      // Plan mode: the MCP tools left are the readOnlyHint ones; they run without asking unless the user's policy says never.
      toolApproverFor: (id) => (plan ? planToolApprover(ctx, approvals.tool(id)) : approvals.tool(id)),
      swarmApproverFor: (id) => approvals.swarm(id),
      sandbox: ctx.sandbox,
      limits: settings,
      workerTools: tools,
      orchestrationTools,
      sharedContext: context,
      // 'auto': thinking for the top-level agent, instant mode for sub-agents (narrow tasks).
      subagentThinking: (params.thinking ?? settings.thinking) === 'on',
      pricing,
      services: { index },
      contextTokens: settings.contextTokens,
      worktrees,
      skills: rules.skills,
    });
    entry.swarm = swarm;
    emit({ type: 'run_started', agentId, task: params.task, model: model.id });
    const system = settings.swarm ? `${AGENT_SYSTEM_PROMPT}\n\n${ORCHESTRATOR_GUIDE}` : AGENT_SYSTEM_PROMPT;
    const messages = initialMessages({ system, context, task: rules.task, attachments: extra.attachments, images: params.images, history: params.history });
    const mainTools = settings.swarm ? [...tools, ...orchestrationTools] : tools;
    let result = await swarm.runMain(agentId, messages, mainTools, settings.maxSteps, resolveThinking(settings, params), controller.signal);
    // Merge conflicts from sub-agents' worktrees go back to the orchestrator once before the run ends.
    const open = result.status === 'done' ? await worktrees?.unresolved() : undefined;
    if (open?.length) {
      messages.push({ role: 'user', content: conflictPrompt(open) });
      result = await swarm.runMain(agentId, messages, mainTools, settings.maxSteps, resolveThinking(settings, params), controller.signal);
    }
    if (result.status === 'done' && extra.afterMain) await extra.afterMain({ swarm, mainId: agentId, signal: controller.signal });
    ({ status, text, error } = result);
    if (spend.exceeded) ({ status, error } = { status: 'cancelled', error: spend.exceeded });
    if (error) emit({ type: 'error', agentId, message: error });
  } catch (err) {
    if (controller.signal.reason instanceof BudgetExceededError || err instanceof BudgetExceededError) {
      status = 'cancelled';
      error = spend?.exceeded ?? (err as Error).message;
      emit({ type: 'error', agentId, message: error });
    } else if (isAbort(err, controller.signal)) {
      status = 'cancelled';
    } else {
      status = 'failed';
      error = err instanceof Error ? err.message : String(err);
      if (!(err instanceof Error && (err.name === 'ModelError' || err.name === 'CommandError' || err.name === 'BudgetConfigError'))) ctx.log.error(`run ${runId} failed: ${err instanceof Error ? err.stack : err}`);
      emit({ type: 'error', agentId, message: error });
    }
  } finally {
    // Every sub-agent has ended (and said so) before the run reports its end; one that does not
    // unwind in time is logged, and whatever it emits later is dropped (see `finished`).
    if (swarm && !(await settledWithin(swarm, SETTLE_MS))) ctx.log.warn(`run ${runId}: sub-agents still unwinding ${SETTLE_MS} ms after the run ended`);
    mcp?.dispose();
    active.delete(runId);
    signal.removeEventListener('abort', onOuterAbort);
    conflicts = (await worktrees?.unresolved().catch(() => undefined)) ?? [];
    await worktrees?.dispose().catch((err) => ctx.log.warn(`run ${runId}: removing its worktrees failed: ${err}`));
    await runWorkspace?.close(status).catch((err) => ctx.log.error(`run ${runId}: closing its checkpoint journal failed: ${err}`));
  }
  const summary = swarm ? swarm.summary(agentId) : { wallMs: Date.now() - started, steps: 0, toolCalls: 0, tokens: { input: 0, cachedInput: 0, output: 0 } };
  emit({ type: 'run_finished', agentId, status, summary });
  finished = true;
  return { runId, status, text, ...(error ? { error } : {}), ...(conflicts.length ? { conflicts } : {}), summary, ...(rules?.plan ? { plan: true } : {}), ...(spend?.exceeded ? { stopReason: 'budget' as const } : {}), ...(rules?.command ? { command: rules.command } : {}) };
}

function conflictPrompt(files: string[]): string {
  return (
    `Merging the sub-agents' worktrees back left conflict markers (<<<<<<< ======= >>>>>>>) in: ${files.join(', ')}. ` +
    'Read each file, resolve every conflict so both changes survive where they can, remove all markers, then give your final answer.'
  );
}
