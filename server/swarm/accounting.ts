// Per-agent bookkeeping of a run and the swarm figures of run_finished.summary.
import type { RunStatus, TokenUsage } from '../protocol';
import { KIMI_K25_USD } from '../model/presets';

export interface AgentRecord {
  agentId: string;
  parentId?: string;
  name: string;
  /** The parent's step (1-based) during which this agent was launched. */
  parentStep: number;
  /** 0 for the run's top-level agent, then 1, 2, … in launch order. */
  launchIndex: number;
  steps: number;
  /** Model streaming + own tool time; queueing and waiting on sub-agents excluded. */
  busyMs: number;
  status: RunStatus | 'running';
  tokens: TokenUsage;
}

export interface Pricing {
  input: number;
  cachedInput: number;
  output: number;
}

/** Kimi K2.5 on Moonshot's API, USD per 1M tokens (DESIGN.md §4; the source is cited in server/model/presets.ts). */
export const KIMI_K25_PRICING: Pricing = KIMI_K25_USD;

export function costUsd(tokens: TokenUsage, p: Pricing): number {
  const uncached = Math.max(0, tokens.input - tokens.cachedInput);
  return (uncached * p.input + tokens.cachedInput * p.cachedInput + tokens.output * p.output) / 1e6;
}

/**
 * Kimi K2.5's critical steps: over an agent's steps, Σ (1 + the most critical steps of any
 * sub-agent it launched in that step). For an agent with no sub-agents this is its step count.
 */
export function criticalSteps(agentId: string, records: Iterable<AgentRecord>): number {
  const children = new Map<string, AgentRecord[]>();
  const all = [...records];
  for (const r of all) {
    if (!r.parentId) continue;
    if (!children.has(r.parentId)) children.set(r.parentId, []);
    children.get(r.parentId)!.push(r);
  }
  const visit = (id: string, steps: number): number => {
    const maxAt = new Map<number, number>();
    for (const c of children.get(id) ?? []) {
      const crit = visit(c.agentId, c.steps);
      maxAt.set(c.parentStep, Math.max(maxAt.get(c.parentStep) ?? 0, crit));
    }
    let total = steps;
    for (const m of maxAt.values()) total += m;
    return total;
  };
  const root = all.find((r) => r.agentId === agentId);
  return root ? visit(agentId, root.steps) : 0;
}

export function sumTokens(records: Iterable<AgentRecord>): TokenUsage {
  const t = { input: 0, cachedInput: 0, output: 0 };
  for (const r of records) {
    t.input += r.tokens.input;
    t.cachedInput += r.tokens.cachedInput;
    t.output += r.tokens.output;
  }
  return t;
}
