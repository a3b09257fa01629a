// Stop must win: over a pending approval, and over sub-agents still unwinding. Real server
// bundle, real JSON-RPC, the model simulator.
//
// References: JSON-RPC cancellation as LSP 3.17 defines it ("$/cancelRequest ... A request that
// got canceled still needs to return from the server"); our protocol's promise that
// `run_finished` is the last event of a run (docs/protocol.md, swarm/event).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CancellationToken } from 'vscode-jsonrpc/node';
import { ApprovalRequest, CancelRequest, type ApprovalParams, type ApprovalResult, type SwarmEvent } from '../../server/protocol';
import { perConversation, script, type Turn } from '../support/simulator';
import { waitFor, within } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('security: cancel wins', function () {
  this.timeout(40_000);
  const ctx = useSimServer();
  const events = (runId: string): SwarmEvent[] => ctx.server.events.get(runId) ?? [];

  it('swarm/cancel ends a run whose command approval is still pending, and withdraws the request', async () => {
    const { server } = await ctx.start({ respond: script([{ toolCalls: [{ name: 'run_command', arguments: { command: 'touch ran.txt' } }] }, { text: 'x' }]) }, { approval: 'ask' });
    const asked: { params: ApprovalParams; token: CancellationToken; answer(r: ApprovalResult): void }[] = [];
    server.connection.onRequest(ApprovalRequest, (params, token) => new Promise<ApprovalResult>((answer) => asked.push({ params, token, answer })));
    const runId = 'stop-while-asking';
    const pending = server.run({ task: 'x', runId });
    await waitFor(() => asked.length === 1, 10_000, 'the approval request');
    const { cancelled } = await server.connection.sendRequest(CancelRequest, { runId });
    assert.equal(cancelled, true);
    // Today's defect: the run stays open until the (never answered) dialog is answered.
    const result = await within(pending, 10_000, 'the run to end while its approval is unanswered');
    assert.equal(result.status, 'cancelled');
    await waitFor(() => asked[0].token.isCancellationRequested, 5_000, '$/cancelRequest for the approval');
    assert.equal(events(runId).at(-1)?.type, 'run_finished');
    // A late "yes" changes nothing.
    asked[0].answer({ approved: true });
    await server.connection.sendRequest('swarm/checkpoints', {});
    assert.ok(!existsSync(join(ctx.ws.path, 'ran.txt')));
  });

  it('run_finished is the last event after a whole-run cancel, with spawn_swarm sub-agents unwinding', async () => {
    const n = 4;
    const main: Turn[] = [{ toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'sleep as {{item}}', items: Array.from({ length: n }, (_, i) => `s${i}`) } }] }, { text: 'x' }];
    const { server } = await ctx.start({
      respond: perConversation((conversation) => {
        const m = /sleep as (s\d)/.exec(conversation);
        if (!m) return script(main);
        // Different sleeps so the sub-agents unwind at different times after the cancel.
        return script([{ toolCalls: [{ name: 'run_command', arguments: { command: `touch ${m[1]}.started; sleep 30` } }] }, { text: 'woke' }]);
      }),
    }, { approval: 'always' });
    const runId = 'cancel-fanout';
    const pending = server.run({ task: 'fan out', runId });
    await waitFor(() => Array.from({ length: n }, (_, i) => existsSync(join(ctx.ws.path, `s${i}.started`))).every(Boolean), 15_000, 'all sub-agents running');
    await server.connection.sendRequest(CancelRequest, { runId });
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    // Every spawned sub-agent reports its end; wait for all of them, then look at the order.
    await waitFor(() => events(runId).filter((e) => e.type === 'agent_finished').length === n, 10_000, 'every agent_finished');
    await server.connection.sendRequest('swarm/checkpoints', {});
    const types = events(runId).map((e) => e.type);
    assert.equal(types.at(-1), 'run_finished', `last events: ${types.slice(-6).join(', ')}`);
    assert.equal(types.filter((t) => t === 'run_finished').length, 1);
  });
});
