// Swarm lanes: one row per sub-agent, named by its spawn_swarm item (else its task's first line),
// with its agent id, status, step ticks, current tool, elapsed time, tokens, and a flag once it has
// shown no progress (no event) for a while; clicking a lane unfolds that sub-agent's transcript.
import type { RunStatus } from '../server/protocol';
import { h } from './dom';
import type { AgentView } from './agentview';
import { formatElapsed, laneLabel, plural } from './lane-label';

export { plural } from './lane-label';

const MAX_TICKS = 40;

/** How long a running lane may go without any event before it is flagged (the `swarmcode.laneStallSeconds` setting). */
let stallMs = 60_000;
export function setStallMs(ms: number): void {
  if (Number.isFinite(ms) && ms > 0) stallMs = ms;
}

export class Lane {
  readonly el: HTMLDetailsElement;
  private readonly statusEl = h('span', { cls: 'lane-status', text: 'running' });
  private readonly ticks = h('span', { cls: 'lane-ticks' });
  private readonly toolEl = h('span', { cls: 'lane-tool' });
  private readonly elapsedEl = h('span', { cls: 'lane-elapsed' });
  private readonly tokensEl = h('span', { cls: 'lane-tokens' });
  private readonly stallEl = h('span', { cls: 'lane-stalled hidden', attrs: { role: 'status' } });
  status: RunStatus | 'running' = 'running';
  steps = 0;
  readonly label: string;
  /** Live lanes only (a replayed run's events carry no times). */
  private startedAt?: number;
  private endedAt?: number;
  private lastProgress = Date.now();

  constructor(readonly agentId: string, readonly name: string, task: string, readonly view: AgentView, depth: number, opts: { item?: string; live?: boolean } = {}) {
    this.label = laneLabel(opts.item, task);
    if (opts.live) this.startedAt = Date.now();
    const head = h('summary', { cls: 'lane-head' },
      h('span', { cls: 'lane-dot' }),
      h('span', { cls: 'lane-name', text: this.label, title: task }),
      h('span', { cls: 'lane-agent', text: agentId, title: `sub-agent ${name}` }),
      this.statusEl, this.ticks, this.toolEl, this.stallEl, this.elapsedEl, this.tokensEl);
    this.el = h('details', { cls: `lane running depth-${Math.min(depth, 4)}`, attrs: { 'data-agent-id': agentId } },
      head, h('div', { cls: 'lane-task', text: task }), view.el);
  }

  /** Any event of this agent: it is making progress. */
  progressed(): void {
    this.lastProgress = Date.now();
  }

  update(now = Date.now()): void {
    const s = this.view.stats;
    const steps = Math.max(this.steps, s.steps);
    if (this.ticks.childElementCount !== Math.min(steps, MAX_TICKS)) {
      this.ticks.replaceChildren(...Array.from({ length: Math.min(steps, MAX_TICKS) }, () => h('span', { cls: 'tick' })));
    }
    this.ticks.title = plural(steps, 'step');
    const running = this.status === 'running';
    this.toolEl.textContent = running && s.currentTool ? s.currentTool : '';
    this.tokensEl.textContent = s.tokens ? `${formatTokens(s.tokens)} tok` : '';
    if (this.startedAt !== undefined) this.elapsedEl.textContent = formatElapsed((this.endedAt ?? now) - this.startedAt);
    const quiet = now - this.lastProgress;
    const stalled = running && quiet >= stallMs;
    this.el.classList.toggle('stalled', stalled);
    this.stallEl.classList.toggle('hidden', !stalled);
    this.stallEl.textContent = stalled ? `no progress for ${formatElapsed(quiet)}` : '';
    this.stallEl.title = stalled ? `No event from this sub-agent for ${formatElapsed(quiet)}${s.currentTool ? ` (running ${s.currentTool})` : ''}` : '';
  }

  /** Set when the lane was closed because its run ended (not by agent_finished). */
  forced = false;

  reopen(): void {
    if (!this.forced) return;
    this.forced = false;
    this.status = 'running';
    this.endedAt = undefined;
    this.lastProgress = Date.now();
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
    if (this.startedAt !== undefined) this.endedAt = Date.now();
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
  /** Ticks elapsed times and stall flags once a second while a lane runs. */
  private timer = 0;

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
    let stalled = 0;
    let critical: Lane | undefined;
    const now = Date.now();
    for (const l of this.lanes.values()) {
      l.update(now);
      if (l.status === 'running') running++;
      if (l.el.classList.contains('stalled')) stalled++;
      const steps = Math.max(l.steps, l.view.stats.steps);
      if (!critical || steps > Math.max(critical.steps, critical.view.stats.steps)) critical = l;
    }
    for (const l of this.lanes.values()) l.el.classList.toggle('critical', l === critical && this.lanes.size > 1);
    const n = this.lanes.size;
    this.header.textContent = `${plural(n, 'agent')}${running ? `, ${running} running` : ''}${stalled ? `, ${stalled} without progress` : ''}`;
    if (running && !this.timer) this.timer = window.setInterval(() => this.refresh(), 1000);
    else if (!running && this.timer) {
      clearInterval(this.timer);
      this.timer = 0;
    }
  }
}
