// Live usage of one run: a context meter per agent (its conversation against the model's window,
// the compaction point marked) from the `context` events, and the run's running tokens and cost
// (and its budget, when it has one) from the `run_usage` events. Native <meter> elements: no
// inline styles (the panel's CSP), and screen readers read them as gauges.
import type { RunBudgetLimits, SwarmEvent, TokenUsage } from '../server/protocol';
import { h } from './dom';
import { formatTokens } from './lanes';

interface AgentMeter {
  row: HTMLElement;
  meter: HTMLMeterElement;
  label: HTMLElement;
}

export function formatUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

export class UsageMeter {
  readonly el = h('div', { cls: 'usage hidden', attrs: { 'aria-label': 'Usage of this run' } });
  private readonly spend = h('div', { cls: 'usage-spend', attrs: { role: 'status' } });
  private readonly spendText = h('span', { cls: 'usage-spend-text' });
  private readonly budgetMeter = h('meter', { cls: 'usage-budget hidden', attrs: { min: '0', 'aria-label': 'Budget used' } });
  private readonly agents = h('div', { cls: 'usage-agents' });
  private readonly meters = new Map<string, AgentMeter>();

  constructor() {
    this.spend.append(this.spendText, this.budgetMeter);
    this.el.append(this.spend, this.agents);
  }

  handle(ev: SwarmEvent): void {
    if (ev.type === 'context') this.context(ev.agentId, ev.tokens, ev.budget, ev.window);
    else if (ev.type === 'run_usage') this.running(ev.tokens, ev.costUsd, ev.budget);
  }

  private context(agentId: string, tokens: number, budget: number, window: number): void {
    if (!(window > 0)) return;
    let m = this.meters.get(agentId);
    if (!m) {
      const meter = h('meter', { cls: 'context-meter', attrs: { min: '0', 'aria-label': `Context of ${agentId}` } });
      const label = h('span', { cls: 'context-text' });
      const row = h('div', { cls: 'context-row', attrs: { 'data-agent': agentId } }, h('span', { cls: 'context-agent', text: agentId }), meter, label);
      m = { row, meter, label };
      this.meters.set(agentId, m);
      this.agents.append(row);
    }
    const used = Math.max(0, Math.min(tokens, window));
    m.meter.max = window;
    m.meter.value = used;
    // Past the compaction point the gauge turns to "high" (the agent's older turns get summarised).
    if (budget > 0 && budget < window) m.meter.high = budget;
    m.meter.optimum = 0;
    const pct = Math.round((tokens / window) * 100);
    m.label.textContent = `${formatTokens(tokens)} / ${formatTokens(window)} (${pct}%)`;
    m.row.title = `${agentId}: ${tokens.toLocaleString('en-US')} of ${window.toLocaleString('en-US')} context tokens${budget > 0 ? `; compacts past ${budget.toLocaleString('en-US')}` : ''}`;
    this.el.classList.remove('hidden');
  }

  private running(tokens: TokenUsage, costUsd: number | undefined, budget: RunBudgetLimits | undefined): void {
    const total = tokens.input + tokens.output;
    const parts = [`${formatTokens(total)} tokens`];
    if (tokens.cachedInput) parts.push(`${formatTokens(tokens.cachedInput)} cached`);
    if (costUsd !== undefined) parts.push(formatUsd(costUsd));
    // The budget gauge follows whichever limit is nearer.
    const shares: { share: number; text: string }[] = [];
    if (budget?.tokens) shares.push({ share: total / budget.tokens, text: `of ${formatTokens(budget.tokens)} tokens` });
    if (budget?.usd && costUsd !== undefined) shares.push({ share: costUsd / budget.usd, text: `of ${formatUsd(budget.usd)}` });
    const nearest = shares.sort((a, b) => b.share - a.share)[0];
    if (nearest) {
      parts.push(`${Math.round(nearest.share * 100)}% ${nearest.text} budget`);
      this.budgetMeter.max = 1;
      this.budgetMeter.value = Math.min(1, nearest.share);
      this.budgetMeter.high = 0.8;
      this.budgetMeter.optimum = 0;
      this.budgetMeter.classList.remove('hidden');
    }
    this.spendText.textContent = parts.join(' · ');
    this.el.classList.remove('hidden');
  }
}
