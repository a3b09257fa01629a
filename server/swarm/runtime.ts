// One run's swarm: the top-level agent, the sub-agent templates it creates, every agent instance
// it launches, the run-wide budgets and the accounting behind run_finished.summary.
import type { RunStatus, RunSummary, SwarmEvent } from '../protocol';
import type { ChatMessage, ChatModel } from '../model/types';
import type { Logger } from '../log';
import type { Workspace } from '../workspace';
import { ToolError, type SubagentResult, type SwarmHandle, type Tool, type ToolContext } from '../tools/types';
import { runAgent, type AgentResult } from '../agent';
import type { Scheduler } from './scheduler';
import { scheduled } from './scheduled';
import { criticalSteps, costUsd, sumTokens, type AgentRecord, type Pricing } from './accounting';
import { SUBAGENT_SYSTEM_PROMPT, subagentTask } from './prompt';
import { isolated, type Isolation } from './isolation';
import { fenced } from './fence';
import { recording } from './recording';
import type { Worktrees } from './worktrees';
import type { SkillSet } from '../rules';

export interface SwarmLimits {
  maxAgents: number;
  maxTotalSteps: number;
  subagentMaxSteps: number;
  subagentTimeoutMs: number;
  allowNestedSpawn: boolean;
}

export interface SwarmRunOptions {
  runId: string;
  model: ChatModel;
  scheduler: Scheduler;
  workspace: Workspace;
  log: Logger;
  emit(event: SwarmEvent): void;
  approverFor(agentId: string): ToolContext['approveCommand'];
  /** Approval of writes to code-running config files (.npmrc, .vscode/tasks.json, …). */
  writeApproverFor?(agentId: string): NonNullable<ToolContext['approveWrite']>;
  /** Approval of other tool calls under their per-tool policy. */
  toolApproverFor?(agentId: string): ToolContext['approveTool'];
  /** Approval of a spawn_swarm wider than the user's setting. */
  swarmApproverFor?(agentId: string): ToolContext['approveSwarm'];
  /** Process containment and redaction for the tools. */
  sandbox?: ToolContext['sandbox'];
  limits: SwarmLimits;
  /** Tools a sub-agent may be given (declared identically to every sub-agent). */
  workerTools: Tool[];
  /** create_subagent, assign_task, spawn_swarm. */
  orchestrationTools: Tool[];
  /** Shared repository context appended to the sub-agent system prompt. */
  sharedContext: string;
  subagentThinking: boolean;
  pricing?: Pricing;
  /** Conversation budget per agent (tokens); see the agent loop. */
  contextTokens?: number;
  /** Shared server services handed to every agent's tools (search index, symbols). */
  services?: ToolContext['services'];
  /** Each sub-agent in its own git worktree, merged back when it finishes (see worktrees.ts). */
  worktrees?: Worktrees;
  /** Skills for load_skill. */
  skills?: SkillSet;
}

interface Template {
  name: string;
  systemPrompt: string;
  tools: string[];
  /** Files its instances may write (workspace-relative); all when absent. */
  writable?: string[];
}

function abortError(reason: string): Error {
  return Object.assign(new Error(reason), { name: 'AbortError' });
}

export class SwarmRun {
  readonly records = new Map<string, AgentRecord>();
  private readonly templates = new Map<string, Template>();
  private totalSteps = 0;
  private launched = 0;
  private readonly instanceCount = new Map<string, number>();
  private readonly started = Date.now();
  /** Live sub-agents, for cancelling one from the UI. */
  private readonly controllers = new Map<string, AbortController>();
  /** Agents asked to compact before their next step (`swarm/compact`). */
  private readonly compactions = new Set<string>();

  constructor(private readonly opts: SwarmRunOptions) {}

  /** Runs the top-level agent with its own messages and tools; sub-agents hang off it. */
  async runMain(agentId: string, messages: ChatMessage[], tools: Tool[], maxSteps: number, thinking: boolean, signal: AbortSignal): Promise<AgentResult> {
    // A second call for the same agent continues it (e.g. to resolve merge conflicts), keeping its counts.
    const known = this.records.get(agentId);
    const record = known ?? this.register(agentId, undefined, agentId, 0);
    record.status = 'running';
    try {
      const result = await this.drive(record, messages, tools, maxSteps, thinking, new Set(), signal, true);
      record.status = result.status;
      return result;
    } catch (err) {
      record.status = signal.aborted ? 'cancelled' : 'failed';
      throw err;
    }
  }

  /** Marks a live agent to compact its conversation before its next step; false when it is not running. */
  requestCompaction(agentId: string): boolean {
    const record = this.records.get(agentId);
    if (!record || isTerminal(record.status)) return false;
    this.compactions.add(agentId);
    return true;
  }

  /** Stops one live sub-agent; false when it is not running. */
  cancelAgent(agentId: string): boolean {
    const ctl = this.controllers.get(agentId);
    if (!ctl) return false;
    ctl.abort(abortError('cancelled by the user'));
    return true;
  }

  summary(mainId: string): RunSummary {
    const all = [...this.records.values()];
    const main = this.records.get(mainId);
    const tokens = sumTokens(all);
    const wallMs = Date.now() - this.started;
    const serialMs = Math.round(all.reduce((s, r) => s + r.busyMs, 0));
    const summary: RunSummary = {
      wallMs,
      steps: main?.steps ?? 0,
      toolCalls: this.toolCalls,
      tokens,
      agents: all.length,
      totalSteps: this.totalSteps,
      criticalSteps: criticalSteps(mainId, all),
      serialMs,
      speedup: wallMs > 0 ? Math.round((serialMs / wallMs) * 100) / 100 : 0,
    };
    if (this.opts.pricing) summary.costUsd = Math.round(costUsd(tokens, this.opts.pricing) * 1e6) / 1e6;
    return summary;
  }

  private toolCalls = 0;

  private register(agentId: string, parentId: string | undefined, name: string, parentStep: number): AgentRecord {
    const record: AgentRecord = { agentId, parentId, name, parentStep, launchIndex: this.records.size, steps: 0, busyMs: 0, status: 'running', tokens: { input: 0, cachedInput: 0, output: 0 } };
    this.records.set(agentId, record);
    return record;
  }

  /** The orchestration capabilities, bound to the agent that calls them. */
  private handleFor(parent: AgentRecord): SwarmHandle {
    return {
      createAgent: (name, systemPrompt, tools) => this.createTemplate(name, systemPrompt, tools),
      assign: (agent, task, signal, opts) => this.assign(parent, agent, task, signal, opts?.item),
      agentNames: () => [...this.templates.keys()],
    };
  }

  private createTemplate(name: string, systemPrompt: string, tools?: string[]): string {
    const trimmed = name.trim();
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(trimmed)) throw new ToolError(`Invalid sub-agent name ${JSON.stringify(name)}: use 1-64 letters, digits, _ . or -.`);
    const known = this.opts.workerTools.map((t) => t.name);
    const chosen = tools && tools.length ? tools : known;
    const unknown = chosen.filter((t) => !known.includes(t));
    if (unknown.length) throw new ToolError(`Unknown tool(s) for ${trimmed}: ${unknown.join(', ')}. Sub-agents can use: ${known.join(', ')}.`);
    const replaced = this.templates.has(trimmed);
    this.templates.set(trimmed, { name: trimmed, systemPrompt, tools: chosen });
    return `${replaced ? 'Updated' : 'Created'} sub-agent "${trimmed}" with tools: ${chosen.join(', ')}. Give it work with assign_task.`;
  }

  /**
   * Runs one sub-agent for the server itself (not a model's tool call), launched under `parentId`
   * like an assign_task of it: same budgets, events, journal and worktree. With `writable`, its
   * edit tools refuse every other file.
   */
  runSubagent(parentId: string, name: string, systemPrompt: string, task: string, signal: AbortSignal, writable?: string[]): Promise<SubagentResult> {
    this.createTemplate(name, systemPrompt);
    if (writable) this.templates.get(name.trim())!.writable = writable;
    const parent = this.records.get(parentId) ?? this.register(parentId, undefined, parentId, 0);
    return this.assign(parent, name.trim(), task, signal);
  }

  /** Sub-agents still running (or unwinding); `settled()` waits for them. */
  private readonly live = new Set<Promise<unknown>>();

  /** Resolves once every sub-agent has ended and reported `agent_finished`. */
  async settled(): Promise<void> {
    while (this.live.size) await Promise.allSettled([...this.live]);
  }

  private assign(parent: AgentRecord, agentName: string, task: string, signal: AbortSignal, item?: string): Promise<SubagentResult> {
    const job = this.runAssigned(parent, agentName, task, signal, item);
    this.live.add(job);
    void job.then(() => this.live.delete(job), () => this.live.delete(job));
    return job;
  }

  private async runAssigned(parent: AgentRecord, agentName: string, task: string, signal: AbortSignal, item?: string): Promise<SubagentResult> {
    const template = this.templates.get(agentName);
    if (!template) {
      const names = [...this.templates.keys()];
      throw new ToolError(`No sub-agent named "${agentName}". ${names.length ? `Created so far: ${names.join(', ')}.` : 'Create one with create_subagent first.'}`);
    }
    if (this.launched >= this.opts.limits.maxAgents) {
      throw new ToolError(`Sub-agent limit reached: this run has already launched ${this.launched} sub-agents (maximum ${this.opts.limits.maxAgents}). Do the remaining work yourself or finish.`);
    }
    if (this.totalSteps >= this.opts.limits.maxTotalSteps) {
      throw new ToolError(`The run's step budget (${this.opts.limits.maxTotalSteps} steps across all agents) is used up; no more sub-agents can start.`);
    }
    this.launched++;
    const n = (this.instanceCount.get(template.name) ?? 0) + 1;
    this.instanceCount.set(template.name, n);
    const agentId = `${template.name}#${n}`;
    const record = this.register(agentId, parent.agentId, template.name, parent.steps);
    this.opts.emit({ type: 'agent_spawned', agentId, parentId: parent.agentId, name: template.name, task, ...(item !== undefined ? { item } : {}) });

    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(abortError('timed out')), this.opts.limits.subagentTimeoutMs);
    const own = new AbortController();
    this.controllers.set(agentId, own);
    const childSignal = AbortSignal.any([signal, timeout.signal, own.signal]);
    const changed = new Set<string>();
    const messages: ChatMessage[] = [
      { role: 'system', content: `${SUBAGENT_SYSTEM_PROMPT}\n\n${this.opts.sharedContext}` },
      { role: 'user', content: subagentTask(template.name, template.systemPrompt, task) },
    ];
    let result: SubagentResult;
    let isolation: Isolation | undefined;
    try {
      if (this.opts.worktrees) isolation = await isolated(this.opts.worktrees, agentId);
      const tools = this.toolsFor(template);
      if (isolation && template.writable) isolation = { ...isolation, workspace: fenced(isolation.workspace, template.writable) };
      const base = template.writable && !isolation ? fenced(this.opts.workspace, template.writable) : undefined;
      const r = await this.drive(record, messages, tools, this.opts.limits.subagentMaxSteps, this.opts.subagentThinking, changed, childSignal, this.opts.limits.allowNestedSpawn, isolation, base);
      result = { agentId, status: r.status, text: r.text, steps: r.steps, changedFiles: [...changed].sort(), ...(r.error ? { error: r.error } : {}) };
    } catch (err) {
      if (signal.aborted) {
        record.status = 'cancelled';
        this.opts.emit({ type: 'agent_finished', agentId, status: 'cancelled', steps: record.steps });
        throw err;
      }
      const timedOut = timeout.signal.aborted;
      const stopped = own.signal.aborted;
      const message = stopped
        ? 'cancelled by the user'
        : timedOut
          ? `timed out after ${this.opts.limits.subagentTimeoutMs} ms`
          : err instanceof Error
            ? err.message
            : String(err);
      if (!timedOut && !stopped) this.opts.log.warn(`sub-agent ${agentId} failed: ${err instanceof Error ? err.stack : err}`);
      if (!stopped) this.opts.emit({ type: 'error', agentId, message });
      const status = stopped ? 'cancelled' : 'failed';
      result = { agentId, status, text: '', error: message, steps: record.steps, changedFiles: [...changed].sort() };
    } finally {
      clearTimeout(timer);
      this.controllers.delete(agentId);
    }
    // A worktree's changes come back through this run's journaled view, as this agent's writes.
    if (isolation) result = await isolation.mergeInto(result, this.opts.workspace.forAgent?.(agentId) ?? this.opts.workspace, signal);
    record.status = result.status;
    this.opts.emit({ type: 'agent_finished', agentId, status: result.status, steps: result.steps });
    return result;
  }

  /** Same declared tools for every sub-agent (a shared prompt prefix); the template's subset is enforced when called. */
  private toolsFor(template: Template): Tool[] {
    const tools = this.opts.workerTools.map((t): Tool => {
      if (template.tools.includes(t.name)) return t;
      return { ...t, run: async () => { throw new ToolError(`${t.name} is not available to sub-agent "${template.name}" (its tools: ${template.tools.join(', ')}).`); } };
    });
    if (this.opts.limits.allowNestedSpawn) return [...tools, ...this.opts.orchestrationTools];
    const refuse = (t: Tool): Tool => ({
      ...t,
      hidden: true,
      run: async () => {
        throw new ToolError('Sub-agents cannot spawn sub-agents in this run (nested spawning is off). Do the work yourself and report back.');
      },
    });
    return [...tools, ...this.opts.orchestrationTools.map(refuse)];
  }

  private async drive(
    record: AgentRecord,
    messages: ChatMessage[],
    tools: Tool[],
    maxSteps: number,
    thinking: boolean,
    changed: Set<string>,
    signal: AbortSignal,
    canSpawn: boolean,
    isolation?: Isolation,
    workspace?: Workspace,
  ): Promise<AgentResult> {
    const { agentId } = record;
    const toolContext: ToolContext = {
      workspace: recording(isolation?.workspace ?? workspace ?? this.opts.workspace, changed, agentId),
      runId: this.opts.runId,
      agentId,
      log: this.opts.log,
      approveCommand: this.opts.approverFor(agentId),
      ...(this.opts.writeApproverFor ? { approveWrite: this.opts.writeApproverFor(agentId) } : {}),
      approveTool: this.opts.toolApproverFor?.(agentId),
      ...(this.opts.swarmApproverFor ? { approveSwarm: this.opts.swarmApproverFor(agentId) } : {}),
      ...(this.opts.sandbox ? { sandbox: this.opts.sandbox } : {}),
      // The shared index describes the main tree; an isolated agent searches its own checkout.
      ...(isolation ? {} : { services: this.opts.services }),
      ...(canSpawn ? { swarm: this.handleFor(record) } : {}),
      ...(this.opts.skills ? { skills: this.opts.skills } : {}),
    };
    const limits = this.opts.limits;
    const result = await runAgent(
      {
        agentId,
        // Fair sharing of the request slots: the agent with the fewest steps so far goes first,
        // equal ones in arrival order (round robin). Task lengths are unknown in advance, and
        // this keeps long sub-agents moving from the start instead of queueing them behind
        // whole earlier ones; the orchestrator (launched 0) always goes first.
        model: scheduled(this.opts.model, this.opts.scheduler, (ms) => (record.busyMs += ms), () => (record.launchIndex === 0 ? -1 : record.steps)),
        tools,
        messages,
        thinking,
        maxSteps,
        contextTokens: this.opts.contextTokens,
        compactRequested: () => this.compactions.delete(agentId),
        toolContext,
        emit: (event) => {
          if (event.type === 'usage') {
            record.tokens.input += event.tokens.input;
            record.tokens.cachedInput += event.tokens.cachedInput;
            record.tokens.output += event.tokens.output;
          }
          if (event.type === 'tool_called') this.toolCalls++;
          this.opts.emit(event);
        },
        beforeStep: () =>
          this.totalSteps >= limits.maxTotalSteps
            ? `The run's step budget (${limits.maxTotalSteps} steps across all agents) is used up.`
            : undefined,
        onStep: (step) => {
          record.steps = step;
          this.totalSteps++;
        },
        onToolTime: (ms) => (record.busyMs += ms),
      },
      signal,
    );
    return result;
  }
}

export function isTerminal(status: RunStatus | 'running'): boolean {
  return status !== 'running';
}
