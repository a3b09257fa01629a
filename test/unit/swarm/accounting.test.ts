import assert from 'node:assert/strict';
import { costUsd, criticalSteps, KIMI_K25_PRICING, type AgentRecord } from '../../../server/swarm/accounting';

const rec = (agentId: string, steps: number, parentId?: string, parentStep = 0): AgentRecord => ({
  agentId,
  parentId,
  name: agentId,
  parentStep,
  launchIndex: 0,
  steps,
  busyMs: 0,
  status: 'done',
  tokens: { input: 0, cachedInput: 0, output: 0 },
});

describe('swarm/accounting', () => {
  it('criticalSteps of a lone agent is its step count', () => {
    assert.equal(criticalSteps('main', [rec('main', 7)]), 7);
  });

  it('adds, per orchestrator step, the longest sub-agent launched in it', () => {
    const records = [
      rec('main', 4),
      rec('a', 5, 'main', 2),
      rec('b', 9, 'main', 2), // same step as a: only the longest counts
      rec('c', 3, 'main', 3),
    ];
    assert.equal(criticalSteps('main', records), 4 + 9 + 3);
  });

  it('recurses into nested sub-agents', () => {
    const records = [rec('main', 2), rec('a', 3, 'main', 1), rec('a1', 10, 'a', 2)];
    assert.equal(criticalSteps('main', records), 2 + (3 + 10));
  });

  it('prices cached input at the cached rate', () => {
    const usd = costUsd({ input: 1_000_000, cachedInput: 400_000, output: 100_000 }, KIMI_K25_PRICING);
    assert.ok(Math.abs(usd - (0.6 * 0.6 + 0.4 * 0.1 + 0.1 * 3.0)) < 1e-9, String(usd));
  });
});
