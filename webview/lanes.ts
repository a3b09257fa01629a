// Swarm lanes: one row per sub-agent with status, step ticks, current tool and tokens;
// clicking a lane unfolds that sub-agent's own transcript.
import type { RunStatus } from '../server/protocol';
import { h } from './dom';
import type { AgentView } from './agentview';

const MAX_TICKS = 40;

export class Lane {
  readonly el: HTMLDetailsElement;
  private readonly statusEl = h('span', { cls: 'lane-status', text: 'running' });
  private readonly ticks = h('span', { cls: 'lane-ticks' });
  private readonly toolEl = h('span', { cls: 'lane-tool' });
  private readonly tokensEl = h('span', { cls: 'lane-tokens' });
  status: RunStatus | 'running' = 'running';
  steps = 0;

  constructor(readonly agentId: string, readonly name: string, task: string, readonly view: AgentView, depth: number) {
    const head = h('summary', { cls: 'lane-head' },
      h('span', { cls: 'lane-dot' }),
      h('span', { cls: 'lane-name', text: name, title: task }),
      this.statusEl, this.ticks, this.toolEl, this.tokensEl);
    this.el = h('details', { cls: `lane running depth-${Math.min(depth, 4)}`, attrs: { 'data-agent-id': agentId } },
      head, h('div', { cls: 'lane-task', text: task }), view.el);
  }

  update(): void {
    const s = this.view.stats;
    const steps = Math.max(this.steps, s.steps);
    if (this.ticks.childElementCount !== Math.min(steps, MAX_TICKS)) {
      this.ticks.replaceChildren(...Array.from({ length: Math.min(steps, MAX_TICKS) }, () => h('span', { cls: 'tick' })));
    }
    this.ticks.title = `${steps} steps`;
    this.toolEl.textContent = this.status === 'running' && s.currentTool ? s.currentTool : '';
    this.tokensEl.textContent = s.tokens ? `${formatTokens(s.tokens)} tok` : '';
  }

  /** Set when the lane was closed because its run ended (not by agent_finished). */
  forced = false;

  reopen(): void {
    if (!this.forced) return;
    this.forced = false;
    this.status = 'running';
    this.el.classList.remove('done', 'failed', 'cancelled');
    this.el.classList.add('running');
    this.statusEl.textContent = 'running';
    this.view.reopen();
    this.update();
  }

  finish(status: RunStatus, steps: number, forced = false): void {
    this.forced = forced;
    this.status = status;
    this.steps = steps;
    this.el.classList.remove('running', 'done', 'failed', 'cancelled');
    this.el.classList.add(status);
    this.statusEl.textContent = status;
    this.view.finish();
    this.update();
  }
}

export function formatTokens(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

/** The panel holding every lane of one run. */
export class SwarmPanel {
  readonly el: HTMLElement;
  private readonly list = h('div', { cls: 'lanes' });
  private readonly header = h('span', { cls: 'swarm-count' });
  readonly lanes = new Map<string, Lane>();

  constructor() {
    this.el = h('div', { cls: 'swarm' }, h('div', { cls: 'swarm-header' }, h('span', { cls: 'swarm-title', text: 'Swarm' }), this.header), this.list);
  }

  add(lane: Lane): void {
    this.lanes.set(lane.agentId, lane);
    this.list.append(lane.el);
    this.refresh();
  }

  /** Updates counts and highlights the critical lane (the one with the most steps). */
  refresh(): void {
    let running = 0;
    let critical: Lane | undefined;
    for (const l of this.lanes.values()) {
      l.update();
      if (l.status === 'running') running++;
      const steps = Math.max(l.steps, l.view.stats.steps);
      if (!critical || steps > Math.max(critical.steps, critical.view.stats.steps)) critical = l;
    }
    for (const l of this.lanes.values()) l.el.classList.toggle('critical', l === critical && this.lanes.size > 1);
    const n = this.lanes.size;
    this.header.textContent = `${n} agent${n === 1 ? '' : 's'}${running ? `, ${running} running` : ''}`;
  }
}
