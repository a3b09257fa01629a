// The "SwarmCode Agents" view's state, folded from swarm/event notifications. No `vscode`
// import, so it is unit-testable in plain Node (test/unit/src/agents/model.test.ts).
import type { RunStatus, SwarmEvent } from '../../server/protocol';
// The lanes' naming and timing, shared with the chat panel and the CLI (a pure module, no DOM).
import { formatElapsed, laneLabel } from '../../webview/lane-label';

export { formatElapsed, laneLabel };

/** Rows are narrower than the chat's lanes. */
const ROW_LABEL_CHARS = 60;

export type AgentStatus = 'running' | RunStatus;

export interface AgentInfo {
  runId: string;
  agentId: string;
  parentId: string;
  name: string;
  task: string;
  /** The spawn_swarm item it works on. */
  item?: string;
  /** The row's name: the item, else the task's first line (see laneLabel). */
  label: string;
  status: AgentStatus;
  /** When its last event arrived: a running agent quiet for longer than the stall threshold is flagged. */
  lastEventAt: number;
  /** Model turns so far (one `usage` event per turn; `agent_finished.steps` when it ends). */
  steps: number;
  /** The tool the agent is running now (between `tool_called` and its `tool_output`). */
  currentTool?: string;
  /** The last tool it called. */
  lastTool?: string;
  startedAt: number;
  finishedAt?: number;
}

export interface RunInfo {
  runId: string;
  task: string;
  status: AgentStatus;
  /** Turns of the top-level agent (`main`). */
  steps: number;
  currentTool?: string;
  startedAt: number;
  finishedAt?: number;
  /** Sub-agents in spawn order. */
  agents: AgentInfo[];
}

export interface RunCounts {
  running: number;
  finished: number;
  failed: number;
  /** Steps of every agent, the top-level one included. */
  steps: number;
}

/** Finished runs kept in the view besides the running ones. */
export const KEEP_FINISHED_RUNS = 3;

export class AgentsModel {
  private readonly runs = new Map<string, RunInfo>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Folds one event in; returns true when something shown changed. */
  apply(runId: string, event: SwarmEvent): boolean {
    let run = this.runs.get(runId);
    if (!run) {
      if (event.type === 'run_finished') return false; // a run we never saw start
      run = { runId, task: event.type === 'run_started' ? event.task : '', status: 'running', steps: 0, startedAt: this.now(), agents: [] };
      this.runs.set(runId, run);
      this.prune();
    }
    const agent = event.agentId === 'main' ? undefined : run.agents.find((a) => a.agentId === event.agentId);
    // Any event is progress; one that ends a stall changes what the row shows.
    const wasStalled = agent ? this.stalled(agent) : false;
    if (agent) agent.lastEventAt = this.now();
    switch (event.type) {
      case 'run_started':
        run.task = event.task;
        return true;
      case 'agent_spawned':
        if (agent) return false;
        run.agents.push({
          runId,
          agentId: event.agentId,
          parentId: event.parentId,
          name: event.name,
          task: event.task,
          ...(event.item !== undefined ? { item: event.item } : {}),
          label: laneLabel(event.item, event.task, ROW_LABEL_CHARS),
          status: 'running',
          steps: 0,
          startedAt: this.now(),
          lastEventAt: this.now(),
        });
        return true;
      case 'agent_finished':
        if (!agent) return false;
        agent.status = event.status;
        agent.steps = Math.max(agent.steps, event.steps);
        agent.currentTool = undefined;
        agent.finishedAt = this.now();
        return true;
      case 'usage':
        if (agent) agent.steps++;
        else if (event.agentId === 'main') run.steps++;
        else return false;
        return true;
      case 'tool_called': {
        const target = agent ?? (event.agentId === 'main' ? run : undefined);
        if (!target) return false;
        target.currentTool = event.name;
        if (agent) agent.lastTool = event.name;
        return true;
      }
      case 'tool_output': {
        const target = agent ?? (event.agentId === 'main' ? run : undefined);
        if (!target?.currentTool) return false;
        target.currentTool = undefined;
        return true;
      }
      case 'run_finished':
        run.status = event.status;
        run.currentTool = undefined;
        run.finishedAt = this.now();
        run.steps = Math.max(run.steps, event.summary.steps);
        // Sub-agents still marked running when their run ended were cut off with it.
        for (const a of run.agents) {
          if (a.status === 'running') {
            a.status = event.status === 'done' ? 'cancelled' : event.status;
            a.currentTool = undefined;
            a.finishedAt = run.finishedAt;
          }
        }
        this.prune();
        return true;
      default:
        return wasStalled;
    }
  }

  /** A running agent that sent no event for `stallMs` (the `swarmcode.laneStallSeconds` setting). */
  stallMs = 60_000;

  stalled(a: AgentInfo): boolean {
    return a.status === 'running' && this.now() - a.lastEventAt >= this.stallMs;
  }

  /** The tree row's description for a sub-agent (see describeAgent), at this model's clock. */
  describe(a: AgentInfo): string {
    return describeAgent(a, this.now(), this.stallMs);
  }

  /** Newest first. */
  list(): RunInfo[] {
    return [...this.runs.values()].reverse();
  }

  get(runId: string): RunInfo | undefined {
    return this.runs.get(runId);
  }

  agent(runId: string, agentId: string): AgentInfo | undefined {
    return this.runs.get(runId)?.agents.find((a) => a.agentId === agentId);
  }

  /** Direct children of `parentId` (`main` = the sub-agents the orchestrator spawned). */
  children(runId: string, parentId: string): AgentInfo[] {
    const run = this.runs.get(runId);
    if (!run) return [];
    const ids = new Set(run.agents.map((a) => a.agentId));
    // An agent whose parent is unknown (not `main`, not a listed agent) is shown under the run.
    return run.agents.filter((a) => a.parentId === parentId || (parentId === 'main' && !ids.has(a.parentId)));
  }

  running(): RunInfo[] {
    return this.list().filter((r) => r.status === 'running');
  }

  counts(runId: string): RunCounts {
    const run = this.runs.get(runId);
    const c: RunCounts = { running: 0, finished: 0, failed: 0, steps: run?.steps ?? 0 };
    for (const a of run?.agents ?? []) {
      if (a.status === 'running') c.running++;
      else c.finished++;
      if (a.status === 'failed') c.failed++;
      c.steps += a.steps;
    }
    return c;
  }

  clearFinished(): void {
    for (const [id, run] of this.runs) if (run.status !== 'running') this.runs.delete(id);
  }

  private prune(): void {
    const finished = [...this.runs.values()].filter((r) => r.status !== 'running');
    for (const run of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED_RUNS))) this.runs.delete(run.runId);
  }
}

/** "3 running · 5 done · 42 steps" (the progress line and the run's description). */
export function describeCounts(c: RunCounts): string {
  const parts: string[] = [];
  if (c.running || c.finished) parts.push(`${c.running} running`, `${c.finished} done${c.failed ? ` (${c.failed} failed)` : ''}`);
  parts.push(`${c.steps} step${c.steps === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/**
 * The tree row's description for a sub-agent: its id, status, steps, current tool, elapsed time,
 * and "no progress" once it has been quiet for `stallMs`.
 */
export function describeAgent(a: AgentInfo, now = Date.now(), stallMs = Infinity): string {
  const steps = `${a.steps} step${a.steps === 1 ? '' : 's'}`;
  const elapsed = formatElapsed((a.finishedAt ?? now) - a.startedAt);
  if (a.status !== 'running') return `${a.agentId} · ${a.status} · ${steps} · ${elapsed}`;
  const parts = [a.agentId, steps, a.currentTool ? `${a.currentTool}…` : 'thinking', elapsed];
  const quiet = now - a.lastEventAt;
  if (quiet >= stallMs) parts.push(`⚠ no progress for ${formatElapsed(quiet)}`);
  return parts.join(' · ');
}

/** One line for labels: the first line of a task, cut. */
export function shortTask(task: string, max = 60): string {
  const line = task.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line || '(no task)';
}
