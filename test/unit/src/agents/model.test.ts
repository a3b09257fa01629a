import assert from 'node:assert/strict';
import type { SwarmEvent } from '../../../../server/protocol';
import { AgentsModel, KEEP_FINISHED_RUNS, describeAgent, describeCounts, formatElapsed, laneLabel, shortTask } from '../../../../src/agents/model';

const summary = { wallMs: 10, steps: 3, toolCalls: 2, tokens: { input: 1, cachedInput: 0, output: 1 } };
const usage = (agentId: string): SwarmEvent => ({ type: 'usage', agentId, tokens: { input: 1, cachedInput: 0, output: 1 } });

describe('src/agents/model', () => {
  it('folds a swarm run: spawn, steps, current tool, finish, and counts', () => {
    const m = new AgentsModel(() => 1000);
    assert.equal(m.apply('r1', { type: 'run_started', agentId: 'main', task: 'Rename foo\nin all files', model: 'sim' }), true);
    m.apply('r1', usage('main'));
    m.apply('r1', { type: 'agent_spawned', agentId: 'a1', parentId: 'main', name: 'shard-1', task: 'edit a.ts' });
    m.apply('r1', { type: 'agent_spawned', agentId: 'a2', parentId: 'main', name: 'shard-2', task: 'edit b.ts' });
    m.apply('r1', usage('a1'));
    m.apply('r1', usage('a1'));
    m.apply('r1', { type: 'tool_called', agentId: 'a1', callId: 'c1', name: 'edit_file', args: {} });
    assert.equal(m.agent('r1', 'a1')?.currentTool, 'edit_file');
    assert.equal(describeAgent(m.agent('r1', 'a1')!, 1000), 'a1 · 2 steps · edit_file… · 0s');
    m.apply('r1', { type: 'tool_output', agentId: 'a1', callId: 'c1', ok: true, output: 'ok' });
    assert.equal(m.agent('r1', 'a1')?.currentTool, undefined);
    assert.equal(m.agent('r1', 'a1')?.lastTool, 'edit_file');
    assert.deepEqual(m.counts('r1'), { running: 2, finished: 0, failed: 0, steps: 3 });
    m.apply('r1', { type: 'agent_finished', agentId: 'a2', status: 'failed', steps: 4 });
    assert.equal(describeCounts(m.counts('r1')), '1 running · 1 done (1 failed) · 7 steps');
    assert.equal(describeAgent(m.agent('r1', 'a2')!), 'a2 · failed · 4 steps · 0s');
    assert.deepEqual(m.running().map((r) => r.runId), ['r1']);
    m.apply('r1', { type: 'run_finished', agentId: 'main', status: 'done', summary });
    // The agent still running when its run ended is shown as cut off, not running.
    assert.equal(m.agent('r1', 'a1')?.status, 'cancelled');
    assert.equal(m.get('r1')?.status, 'done');
    assert.equal(m.get('r1')?.steps, 3);
    assert.deepEqual(m.running(), []);
    assert.equal(shortTask(m.get('r1')!.task), 'Rename foo');
  });

  it('names the sub-agents of one spawn_swarm by their item, others by their task (issue 14: no more identical "worker" rows)', () => {
    const m = new AgentsModel(() => 0);
    m.apply('r', { type: 'run_started', agentId: 'main', task: 't', model: 'x' });
    m.apply('r', { type: 'agent_spawned', agentId: 'worker#1', parentId: 'main', name: 'worker', task: 'Review src/a.ts for bugs', item: 'src/a.ts' });
    m.apply('r', { type: 'agent_spawned', agentId: 'worker#2', parentId: 'main', name: 'worker', task: 'Review src/b.ts for bugs', item: 'src/b.ts' });
    m.apply('r', { type: 'agent_spawned', agentId: 'critic#1', parentId: 'main', name: 'critic', task: '  Check the parser\nthen report' });
    assert.deepEqual(m.children('r', 'main').map((a) => a.label), ['src/a.ts', 'src/b.ts', 'Check the parser']);
    // Hostile items: whitespace and newlines collapse, very long ones are cut, an empty task still has a name.
    m.apply('r', { type: 'agent_spawned', agentId: 'w#3', parentId: 'main', name: 'worker', task: '', item: `a\n\tb ${'x'.repeat(200)}` });
    const long = m.agent('r', 'w#3')!.label;
    assert.ok(long.startsWith('a b xxx') && long.length === 60 && long.endsWith('…'), long);
    assert.equal(laneLabel(undefined, '   '), '(no task)');
  });

  it('shows elapsed time and flags a running sub-agent that sent nothing for the stall threshold', () => {
    let now = 0;
    const m = new AgentsModel(() => now);
    m.stallMs = 30_000;
    m.apply('r', { type: 'run_started', agentId: 'main', task: 't', model: 'x' });
    m.apply('r', { type: 'agent_spawned', agentId: 'worker#1', parentId: 'main', name: 'worker', task: 'x', item: 'a.ts' });
    m.apply('r', { type: 'tool_called', agentId: 'worker#1', callId: 'c', name: 'run_command', args: {} });
    const a = m.agent('r', 'worker#1')!;
    now = 29_999;
    assert.equal(m.stalled(a), false);
    assert.equal(m.describe(a), 'worker#1 · 0 steps · run_command… · 29s');
    now = 95_000;
    assert.equal(m.stalled(a), true);
    assert.equal(m.describe(a), 'worker#1 · 0 steps · run_command… · 1m 35s · ⚠ no progress for 1m 35s');
    // A streamed delta is progress: it clears the flag, and the model says the row changed.
    assert.equal(m.apply('r', { type: 'text_delta', agentId: 'worker#1', text: '.' }), true);
    assert.equal(m.stalled(a), false);
    assert.equal(m.apply('r', { type: 'text_delta', agentId: 'worker#1', text: '.' }), false);
    // A finished agent is never stalled, and its elapsed time stops.
    now = 100_000;
    m.apply('r', { type: 'agent_finished', agentId: 'worker#1', status: 'done', steps: 1 });
    now = 900_000;
    assert.equal(m.stalled(a), false);
    assert.equal(m.describe(a), 'worker#1 · done · 1 step · 1m 40s');
    assert.equal(formatElapsed(3_723_000), '1h 02m');
  });

  it('nests sub-agents under their parent and shows orphans under the run', () => {
    const m = new AgentsModel();
    m.apply('r', { type: 'run_started', agentId: 'main', task: 't', model: 'x' });
    m.apply('r', { type: 'agent_spawned', agentId: 'a', parentId: 'main', name: 'A', task: '' });
    m.apply('r', { type: 'agent_spawned', agentId: 'b', parentId: 'a', name: 'B', task: '' });
    m.apply('r', { type: 'agent_spawned', agentId: 'c', parentId: 'unknown', name: 'C', task: '' });
    assert.deepEqual(m.children('r', 'main').map((a) => a.name), ['A', 'C']);
    assert.deepEqual(m.children('r', 'a').map((a) => a.name), ['B']);
    // A duplicate spawn event does not add a second row.
    assert.equal(m.apply('r', { type: 'agent_spawned', agentId: 'a', parentId: 'main', name: 'A', task: '' }), false);
  });

  it('ignores events that change nothing and the end of runs it never saw', () => {
    const m = new AgentsModel();
    assert.equal(m.apply('x', { type: 'run_finished', agentId: 'main', status: 'done', summary }), false);
    assert.equal(m.list().length, 0);
    m.apply('r', { type: 'run_started', agentId: 'main', task: 't', model: 'x' });
    assert.equal(m.apply('r', { type: 'text_delta', agentId: 'main', text: 'hi' }), false);
    assert.equal(m.apply('r', usage('ghost')), false);
    assert.equal(m.apply('r', { type: 'agent_finished', agentId: 'ghost', status: 'done', steps: 1 }), false);
  });

  it('keeps the running runs and only the newest finished ones, newest first', () => {
    const m = new AgentsModel();
    m.apply('live', { type: 'run_started', agentId: 'main', task: 'live', model: 'x' });
    for (let i = 0; i < KEEP_FINISHED_RUNS + 2; i++) {
      m.apply(`r${i}`, { type: 'run_started', agentId: 'main', task: `t${i}`, model: 'x' });
      m.apply(`r${i}`, { type: 'run_finished', agentId: 'main', status: 'done', summary });
    }
    const ids = m.list().map((r) => r.runId);
    assert.equal(ids.length, KEEP_FINISHED_RUNS + 1);
    assert.ok(ids.includes('live'));
    assert.equal(ids[0], `r${KEEP_FINISHED_RUNS + 1}`);
    assert.ok(!ids.includes('r0'));
    m.clearFinished();
    assert.deepEqual(m.list().map((r) => r.runId), ['live']);
  });
});
