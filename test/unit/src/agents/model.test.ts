import assert from 'node:assert/strict';
import type { SwarmEvent } from '../../../../server/protocol';
import { AgentsModel, KEEP_FINISHED_RUNS, describeAgent, describeCounts, shortTask } from '../../../../src/agents/model';

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
    assert.equal(describeAgent(m.agent('r1', 'a1')!), '2 steps · edit_file…');
    m.apply('r1', { type: 'tool_output', agentId: 'a1', callId: 'c1', ok: true, output: 'ok' });
    assert.equal(m.agent('r1', 'a1')?.currentTool, undefined);
    assert.equal(m.agent('r1', 'a1')?.lastTool, 'edit_file');
    assert.deepEqual(m.counts('r1'), { running: 2, finished: 0, failed: 0, steps: 3 });
    m.apply('r1', { type: 'agent_finished', agentId: 'a2', status: 'failed', steps: 4 });
    assert.equal(describeCounts(m.counts('r1')), '1 running · 1 done (1 failed) · 7 steps');
    assert.equal(describeAgent(m.agent('r1', 'a2')!), 'failed · 4 steps');
    assert.deepEqual(m.running().map((r) => r.runId), ['r1']);
    m.apply('r1', { type: 'run_finished', agentId: 'main', status: 'done', summary });
    // The agent still running when its run ended is shown as cut off, not running.
    assert.equal(m.agent('r1', 'a1')?.status, 'cancelled');
    assert.equal(m.get('r1')?.status, 'done');
    assert.equal(m.get('r1')?.steps, 3);
    assert.deepEqual(m.running(), []);
    assert.equal(shortTask(m.get('r1')!.task), 'Rename foo');
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
