// The Agent Swarm through the real server: parallel sub-agents, limits, failures, cancellation, accounting.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelRequest, type SwarmEvent } from '../../server/protocol';
import { script, swarmScript, type Turn } from '../support/simulator';
import { waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

const worker = (name = 'worker', tools?: string[]): Turn => ({
  toolCalls: [{ name: 'create_subagent', arguments: { name, system_prompt: `You are ${name}.`, ...(tools ? { tools } : {}) } }],
});
const assign = (tasks: string[], agent = 'worker'): Turn => ({
  toolCalls: tasks.map((task) => ({ name: 'assign_task', arguments: { agent, task } })),
});

/**
 * Holds every caller of arrive() until `n` have arrived, or until `giveUpMs` after the first one
 * (so a server that never has `n` requests in flight fails an assertion instead of hanging).
 */
function arrivalGate(n: number, giveUpMs: number) {
  let arrived = 0;
  let atOpen = -1;
  let timer: NodeJS.Timeout | undefined;
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const openNow = () => {
    if (atOpen >= 0) return;
    atOpen = arrived;
    clearTimeout(timer);
    open();
  };
  return {
    async arrive(): Promise<void> {
      if (++arrived === 1) timer = setTimeout(openNow, giveUpMs).unref();
      if (arrived === n) openNow();
      await opened;
    },
    filled: () => atOpen >= n,
    arrivedBeforeOpen: () => atOpen,
  };
}

describe('protocol: agent swarm', function () {
  this.timeout(60_000);
  const ctx = useSimServer();

  const setup = (respond: ReturnType<typeof swarmScript>, settings = {}, simOpts = {}) => ctx.start({ respond, ...simOpts }, { approval: 'always', ...settings });
  const events = (runId: string): SwarmEvent[] => ctx.server.events.get(runId) ?? [];

  it('runs 16 assign_task calls of one turn at the same time', async () => {
    const tasks = Array.from({ length: 16 }, (_, i) => `item ${i}`);
    // No sub-agent is answered before all 16 requests are in: a server that ran them one after
    // another would leave the gate shut (it gives up 20 s after the first then, and the check below fails).
    // A fixed latency instead raced a slow machine, where sending 16 requests took longer.
    const gate = arrivalGate(16, 20_000);
    const inner = swarmScript([worker(), assign(tasks), { text: 'all done' }], (task) => [{ text: `finished ${task}` }]);
    const { sim, server } = await setup(
      async (body, info) => {
        if (info.conversation.includes('Your task:')) await gate.arrive();
        return inner(body, info);
      },
      { concurrency: 16 },
    );
    const result = await server.run({ task: 'fan out' });
    assert.equal(result.status, 'done', result.error);
    const subs = sim.requests.filter((r) => r.conversation.includes('Your task:'));
    assert.equal(subs.length, 16);
    // Every sub-agent request had arrived before the first one was answered: they overlapped.
    assert.ok(gate.filled(), `all 16 sub-agent requests in flight at once (only ${gate.arrivedBeforeOpen()} had arrived when the gate gave up)`);

    const spawned = events(result.runId).filter((e) => e.type === 'agent_spawned');
    assert.equal(spawned.length, 16);
    assert.ok(spawned.every((e) => e.type === 'agent_spawned' && e.parentId === 'main'));
    assert.equal(new Set(spawned.map((e) => e.agentId)).size, 16);
    // Sub-agent events carry their own agentId.
    const texts = events(result.runId).filter((e) => e.type === 'text_delta' && e.agentId !== 'main');
    assert.ok(texts.length >= 16);
    // Each assign_task result reached the orchestrator as its own tool message, in call order.
    const toolMsgs = sim.requests.at(-1)!.body.messages.filter((m) => m.role === 'tool');
    assert.equal(toolMsgs.length, 17);
    tasks.forEach((t, i) => assert.match(String(toolMsgs[i + 1].content), new RegExp(`finished ${t}\\b`)));
    assert.equal(result.summary.agents, 17);
  });

  it('spawn_swarm returns results in item order whatever order they finish in', async () => {
    const items = ['slow', 'medium', 'fast'];
    const runId = 'map';
    // Each item is answered once the client has seen the faster ones finish: the finishing order
    // is the reverse of the item order whatever the machine's speed (fixed latencies of 0, 300 and
    // 600 ms raced a slow machine, where the requests went out more than 300 ms apart).
    const faster: Record<string, string[]> = { slow: ['fast', 'medium'], medium: ['fast'], fast: [] };
    const finishedItems = () => {
      const done = new Set(events(runId).flatMap((e) => (e.type === 'agent_finished' ? [e.agentId] : [])));
      return events(runId).flatMap((e) => (e.type === 'agent_spawned' && done.has(e.agentId) ? [e.item] : []));
    };
    const inner = swarmScript([{ toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'Summarise {{item}}', items } }] }, { text: 'ok' }], () => []);
    const { sim, server } = await setup(async (body, info) => {
      const m = /Your task:\nSummarise (\w+)/.exec(info.conversation);
      if (!m) return inner(body, info);
      const item = m[1];
      await waitFor(() => faster[item].every((f) => finishedItems().includes(f)), 20_000, `${faster[item].join(' and ')} finished before ${item} is answered`);
      return { text: `summary of ${item}` };
    });
    const result = await server.run({ task: 'map', runId });
    assert.equal(result.status, 'done', result.error);
    const finished = events(result.runId).filter((e) => e.type === 'agent_finished').map((e) => e.agentId);
    assert.deepEqual(finished, ['worker#3', 'worker#2', 'worker#1'], 'they finished fastest first');
    const out = String(sim.requests.at(-1)!.body.messages.at(-1)!.content);
    const positions = items.map((i) => out.indexOf(`summary of ${i}`));
    assert.ok(positions.every((p) => p >= 0));
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'results are in item order');
    // Issue 14: every sub-agent of one spawn_swarm is a `worker`; its item tells the lanes apart.
    const spawned = events(result.runId).filter((e) => e.type === 'agent_spawned');
    assert.deepEqual(spawned.map((e) => e.type === 'agent_spawned' && [e.agentId, e.name, e.item]), [['worker#1', 'worker', 'slow'], ['worker#2', 'worker', 'medium'], ['worker#3', 'worker', 'fast']]);
  });

  it('assign_task sub-agents carry no item (clients name their lane by the task)', async () => {
    const { server } = await setup(swarmScript([worker('reviewer'), assign(['Check the parser\nthen report'], 'reviewer'), { text: 'ok' }], (task) => [{ text: `did ${task}` }]));
    const result = await server.run({ task: 'one' });
    assert.equal(result.status, 'done', result.error);
    const spawned = events(result.runId).find((e) => e.type === 'agent_spawned');
    assert.ok(spawned && spawned.type === 'agent_spawned');
    assert.equal(spawned.name, 'reviewer');
    assert.equal(spawned.task, 'Check the parser\nthen report');
    assert.equal('item' in spawned, false);
  });

  it('enforces the sub-agent limit and tells the model plainly', async () => {
    const { sim, server } = await setup(
      swarmScript(
        [{ toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'do {{item}}', items: ['a', 'b', 'c', 'd', 'e'] } }] }, { text: 'ok' }],
        (task) => [{ text: `did ${task}` }],
      ),
      { maxAgents: 3 },
    );
    const result = await server.run({ task: 'too many' });
    assert.equal(result.status, 'done');
    assert.equal(events(result.runId).filter((e) => e.type === 'agent_spawned').length, 3);
    const out = String(sim.requests.at(-1)!.body.messages.at(-1)!.content);
    assert.equal((out.match(/not run: Sub-agent limit reached/g) ?? []).length, 2);
    assert.match(out, /3 done, 2 not done/);
  });

  it('enforces the run-wide step budget without crashing', async () => {
    const loop: Turn = { toolCalls: [{ name: 'list_files', arguments: {} }] };
    const { server } = await setup(swarmScript([worker(), assign(['spin']), { text: 'never reached' }], () => Array(20).fill(loop)), { maxTotalSteps: 6 });
    const result = await server.run({ task: 'budget' });
    // main: 2 steps, the sub-agent gets the remaining 4, then main's next step is refused.
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /step budget \(6 steps/);
    assert.equal(result.summary.totalSteps, 6);
    const assignOut = events(result.runId).find((e) => e.type === 'tool_output' && e.agentId === 'main' && e.output.includes('worker#1'));
    assert.ok(assignOut && assignOut.type === 'tool_output' && !assignOut.ok && /step budget/.test(assignOut.output));
    const finished = events(result.runId).find((e) => e.type === 'agent_finished');
    assert.ok(finished && finished.type === 'agent_finished' && finished.status === 'failed' && finished.steps === 4);
  });

  it('one failing and one hanging sub-agent do not sink the run', async () => {
    const { sim, server } = await setup(
      swarmScript([worker(), assign(['good', 'broken', 'hangs']), { text: 'reported' }], (task) => {
        if (task === 'broken') return [{ fault: { status: 400, body: { error: { message: 'invalid request: bad things' } } } }];
        if (task === 'hangs') return [{ fault: { hangMs: 30_000 } }];
        return [{ text: 'good result' }];
      }),
      // The good one must finish inside this: 1.5 s was short for a loaded machine (sub-agent
      // requests went out up to 650 ms after the spawn there); the hanging one waits it out.
      { subagentTimeoutMs: 5000 },
    );
    const result = await server.run({ task: 'mixed' });
    assert.equal(result.status, 'done', result.error);
    const toolMsgs = sim.requests.at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.match(toolMsgs[1], /good result/);
    assert.match(toolMsgs[2], /failed.*bad things/s);
    assert.match(toolMsgs[3], /timed out/);
    const statuses = events(result.runId).filter((e) => e.type === 'agent_finished').map((e) => e.type === 'agent_finished' && e.status);
    assert.deepEqual(statuses.sort(), ['done', 'failed', 'failed']);
  });

  it('refuses a sub-agent that tries to spawn sub-agents', async () => {
    const { sim, server } = await setup(
      swarmScript([worker(), assign(['nest']), { text: 'ok' }], () => [
        { toolCalls: [{ name: 'assign_task', arguments: { agent: 'worker', task: 'recurse' } }] },
        { text: 'could not nest' },
      ]),
    );
    const result = await server.run({ task: 'nesting' });
    assert.equal(result.status, 'done');
    const out = events(result.runId).find((e) => e.type === 'tool_output' && e.agentId === 'worker#1');
    assert.ok(out && out.type === 'tool_output' && !out.ok && /cannot spawn/.test(out.output));
    assert.equal(events(result.runId).filter((e) => e.type === 'agent_spawned').length, 1);
    // Orchestration tools are not even declared to sub-agents.
    const subReq = sim.requests.find((r) => r.conversation.includes('Your task:'))!;
    assert.ok(!(subReq.body.tools ?? []).some((t) => t.function.name === 'assign_task'));
  });

  it('cancellation reaches every sub-agent and its child processes', async () => {
    const n = 4;
    const { server } = await setup(
      swarmScript([worker(), assign(Array.from({ length: n }, (_, i) => `sleeper-${i}`)), { text: 'x' }], (task) => [
        { toolCalls: [{ name: 'run_command', arguments: { command: `echo $$ > ${task}.pid; sleep 30; touch ${task}.late` } }] },
        { text: 'woke' },
      ]),
      // Host pids in the pid files: no PID namespace (the sandboxed kill is in test/security).
      { sandbox: 'off' },
    );
    const runId = 'cancel-swarm';
    const pending = server.run({ task: 'sleepers', runId });
    await waitFor(() => Array.from({ length: n }, (_, i) => existsSync(join(ctx.ws.path, `sleeper-${i}.pid`))).every(Boolean), 15_000, 'all sleepers');
    await server.connection.sendRequest(CancelRequest, { runId });
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    const finished = events(runId).filter((e) => e.type === 'agent_finished');
    assert.equal(finished.length, n);
    assert.ok(finished.every((e) => e.type === 'agent_finished' && e.status === 'cancelled'));
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < n; i++) {
      const pid = Number(readFileSync(join(ctx.ws.path, `sleeper-${i}.pid`), 'utf8'));
      assert.throws(() => process.kill(pid, 0), /ESRCH/, `process ${pid} is gone`);
      assert.ok(!existsSync(join(ctx.ws.path, `sleeper-${i}.late`)));
    }
  });

  it('cancels one sub-agent on request while the run goes on', async () => {
    const { sim, server } = await setup(
      swarmScript([worker(), assign(['stuck', 'fine']), { text: 'carried on' }], (task) =>
        task === 'stuck' ? [{ fault: { hangMs: 30_000 } }] : [{ text: 'fine result', latency: { ttftMs: 300 } }],
      ),
    );
    const runId = 'cancel-one';
    const pending = server.run({ task: 'one stuck', runId });
    await waitFor(() => events(runId).filter((e) => e.type === 'agent_spawned').length === 2, 10_000, 'spawns');
    const { cancelled } = await server.connection.sendRequest(CancelRequest, { runId, agentId: 'worker#1' });
    assert.equal(cancelled, true);
    const result = await pending;
    assert.equal(result.status, 'done', result.error);
    assert.equal(result.text, 'carried on');
    const statuses = Object.fromEntries(events(runId).filter((e) => e.type === 'agent_finished').map((e) => [e.agentId, e.type === 'agent_finished' && e.status]));
    assert.deepEqual(statuses, { 'worker#1': 'cancelled', 'worker#2': 'done' });
    const toolMsgs = sim.requests.at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.match(toolMsgs[1], /cancelled by the user/);
    assert.match(toolMsgs[2], /fine result/);
  });

  it('computes criticalSteps, totalSteps and speedup on a known script', async () => {
    // main: step 1 create, step 2 assign A (3 steps) + B (1 step), step 3 answer.
    // B's one turn is as long as A's three: the overlap that makes the speedup (1.2 s) dwarfs the
    // server's own time between turns, which a loaded machine stretches (B at 250 ms left a
    // 250 ms margin).
    const latency = { ttftMs: 250 };
    const stepA = { ttftMs: 400 };
    const { server } = await setup(
      swarmScript([worker(), assign(['A', 'B']), { text: 'done' }].map((t) => ({ ...t, latency })), (task) =>
        task === 'A'
          ? [{ toolCalls: [{ name: 'list_files', arguments: {} }], latency: stepA }, { toolCalls: [{ name: 'list_files', arguments: {} }], latency: stepA }, { text: 'A done', latency: stepA }]
          : [{ text: 'B done', latency: { ttftMs: 1200 } }],
      ),
    );
    const result = await server.run({ task: 'known' });
    const s = result.summary;
    assert.equal(result.status, 'done');
    assert.equal(s.agents, 3);
    assert.equal(s.steps, 3);
    assert.equal(s.totalSteps, 3 + 3 + 1);
    assert.equal(s.criticalSteps, 3 + 3, 'Σ over main steps of (1 + max sub-agent steps launched then)');
    // Seven model turns (3 × 250 + 3 × 400 + 1200 ms) were busy time; B ran alongside A, so the run took less.
    assert.ok(s.serialMs! >= 3 * 250 + 3 * 400 + 1200, `serialMs ${s.serialMs}`);
    assert.ok(Math.abs(s.speedup! - s.serialMs! / s.wallMs) < 0.02);
    assert.ok(s.speedup! > 1, `speedup ${s.speedup}`);
  });

  it('shares the request slots fairly: with one slot, sub-agents take turns step by step', async () => {
    // Each turn takes 300 ms, so B and C are waiting for the slot before A's first turn ends even
    // when a loaded machine starts them late (at 30 ms A could come back for its second turn first).
    const step = (k: number): Turn => ({ toolCalls: [{ name: 'list_files', arguments: { path: '.', depth: k } }], latency: { ttftMs: 300 } });
    const { sim, server } = await setup(
      swarmScript([worker(), assign(['A', 'B', 'C']), { text: 'done' }], (task) => [step(1), step(2), { text: `${task} done` }]),
      { concurrency: 1 },
    );
    const result = await server.run({ task: 'take turns' });
    assert.equal(result.status, 'done', result.error);
    const order = sim.requests.filter((r) => r.conversation.includes('Your task:')).map((r) => /Your task:\n(\w)/.exec(r.conversation)![1]);
    // Launch-order (list) scheduling would give AAABBBCCC: C would wait for all of A and B.
    // Step by step: every agent's k-th request comes before any agent's (k+1)-th. Within a round
    // agents with as many steps go in the order they asked, which a loaded machine can change
    // (B's tool ran longer than C's turn there: ABCACBACB).
    const rounds = [0, 1, 2].map((k) => [...order.slice(3 * k, 3 * k + 3)].sort().join(''));
    assert.deepEqual(rounds, ['ABC', 'ABC', 'ABC'], `order ${order.join('')}`);
  });
});
