// One assistant turn: routes a run's events to the root agent's transcript or to swarm lanes.
import type { RunResult, RunSummary, SwarmEvent } from '../server/protocol';
import { AgentView, flushRenders } from './agentview';
import { h, icon } from './dom';
import { formatTokens, Lane, plural, SwarmPanel } from './lanes';
import { formatUsd, UsageMeter } from './usage';

export class RunView {
  readonly el: HTMLElement;
  readonly root: AgentView;
  private rootId?: string;
  private readonly agents = new Map<string, { view: AgentView; depth: number }>();
  private swarm?: SwarmPanel;
  private readonly footer = h('div', { cls: 'run-footer' });
  /** Context per agent and the running cost (webview/usage.ts). */
  private readonly usage = new UsageMeter();
  active = true;

  constructor(readonly runId: string, private replay: boolean, private readonly changed: () => void) {
    this.root = new AgentView(replay, changed);
    this.el = h('div', { cls: 'turn assistant', attrs: { 'data-run-id': runId } },
      h('div', { cls: 'turn-role' }, icon('agent'), h('span', { text: 'SwarmCode' })),
      this.root.el, this.usage.el, this.footer);
    if (!replay) this.el.classList.add('active');
  }

  handle(ev: SwarmEvent): void {
    if (ev.type === 'context' || ev.type === 'run_usage') {
      this.usage.handle(ev);
      return;
    }
    if (ev.type === 'run_started') {
      if (!this.rootId) this.rootId = ev.agentId;
      return;
    }
    if (ev.type === 'agent_spawned') {
      this.spawn(ev.agentId, ev.parentId, ev.name, ev.task, ev.item);
      return;
    }
    const sub = this.agents.get(ev.agentId);
    if (!sub) {
      // Anything not from a spawned agent belongs to the root agent.
      if (!this.rootId) this.rootId = ev.agentId;
      if (ev.type === 'run_finished') this.showSummary(ev.status, ev.summary);
      else this.root.handle(ev);
      return;
    }
    this.swarm?.lanes.get(ev.agentId)?.progressed();
    if (ev.type === 'agent_finished') {
      this.swarm?.lanes.get(ev.agentId)?.finish(ev.status, ev.steps);
    } else {
      sub.view.handle(ev);
    }
    this.swarm?.refresh();
    this.changed();
  }

  private spawn(agentId: string, parentId: string, name: string, task: string, item?: string): void {
    if (this.agents.has(agentId) || agentId === this.rootId) return;
    const depth = (this.agents.get(parentId)?.depth ?? 0) + 1;
    const view = new AgentView(this.replay, () => { this.swarm?.refresh(); this.changed(); });
    this.agents.set(agentId, { view, depth });
    if (!this.swarm) {
      this.swarm = new SwarmPanel();
      this.root.appendBlock(this.swarm.el);
    }
    this.swarm.add(new Lane(agentId, name, task, view, depth, { item, live: !this.replay }));
    this.changed();
  }

  /** The extension reports the run's end (authoritative status and error). */
  end(result: RunResult): void {
    if (!this.active) return;
    this.active = false;
    this.el.classList.remove('active');
    flushRenders();
    if (result.status === 'failed') this.root.showError(result.error || 'The run failed.');
    else if (result.status === 'cancelled') this.root.notice(result.stopReason === 'budget' ? 'Stopped at the budget.' : 'Stopped.', 'stopped');
    if (!this.root.hasText() && result.text && result.status === 'done') this.root.setText(result.text);
    this.finishAll();
    if (!this.footer.childElementCount) this.showSummary(result.status, result.summary);
    this.changed();
  }

  /** A replayed run is still going (the panel was reloaded mid-run): take live events again. */
  reopen(): void {
    if (this.active) return;
    this.active = true;
    this.replay = false; // sub-agents spawned from now on render live
    this.el.classList.add('active');
    this.root.reopen();
    for (const lane of this.swarm?.lanes.values() ?? []) lane.reopen();
    this.swarm?.refresh();
  }

  /** Closes a replayed run without a RunResult. */
  close(): void {
    this.active = false;
    this.el.classList.remove('active');
    this.finishAll();
  }

  private finishAll(): void {
    this.root.finish();
    for (const [id, a] of this.agents) {
      const lane = this.swarm?.lanes.get(id);
      if (lane && lane.status === 'running') lane.finish('cancelled', a.view.stats.steps, true);
      a.view.finish();
    }
    this.swarm?.refresh();
  }

  private showSummary(status: string, s: RunSummary | undefined): void {
    if (!s) return;
    const parts = [
      plural(s.steps, 'step'),
      plural(s.toolCalls, 'tool call'),
      `${formatTokens(s.tokens.input)} in${s.tokens.cachedInput ? ` (${formatTokens(s.tokens.cachedInput)} cached)` : ''} / ${formatTokens(s.tokens.output)} out`,
      `${(s.wallMs / 1000).toFixed(1)}s`,
    ];
    if (s.agents && s.agents > 1) parts.push(`${s.agents} agents`);
    if (s.speedup && s.agents && s.agents > 1) parts.push(`${s.speedup.toFixed(1)}× speedup`);
    if (s.costUsd !== undefined) parts.push(formatUsd(s.costUsd));
    this.footer.replaceChildren(h('span', { cls: `run-status ${status}`, text: status }), h('span', { text: parts.join(' · ') }));
  }
}
