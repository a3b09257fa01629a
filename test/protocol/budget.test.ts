// Live usage and limits through the real server and the simulator: the running spend (`run_usage`),
// a per-run budget that stops the whole run cleanly, and the confirmation before a wide swarm.
//
// The contract: the tokens counted are the provider's `usage` of each streamed response
// (OpenAI chat-completions `stream_options.include_usage`, the final chunk's `usage` with
// `prompt_tokens` / `completion_tokens`; Moonshot's K2.5 docs bill the same fields, cache hits at
// their own price: https://platform.moonshot.ai/docs/pricing/chat-k25). The simulator reports
// prompt tokens as characters / 4 and completion tokens as output characters / 4, so a turn with
// 120,000 characters of text costs 30,000 completion tokens.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApprovalRequest, ChangesRequest, RejectRequest, type ApprovalParams, type ApprovalResult, type SwarmEvent } from '../../server/protocol';
import { script, swarmScript, type Turn } from '../support/simulator';
import { usePrivateJournalDir, waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

const BIG = 'x'.repeat(120_000); // 30,000 completion tokens in the simulator
const list: Turn = { toolCalls: [{ name: 'list_files', arguments: {} }] };
const swarmOf = (items: string[]): Turn => ({ toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'look at {{item}}', items } }] });

describe('protocol: usage, budget and wide-swarm confirmation', function () {
  this.timeout(60_000);
  usePrivateJournalDir();
  const ctx = useSimServer({ settings: { approval: 'always' } });
  const events = (runId: string): SwarmEvent[] => ctx.server.events.get(runId) ?? [];

  beforeEach(() => {
    writeFileSync(join(ctx.ws.path, 'a.txt'), 'original\r\nbytes\u00e9\n');
  });

  it('reports the running spend after every usage event, with the cost at the run prices', async () => {
    const { server } = await ctx.start({ respond: script([list, { text: 'done' }]) }, { pricing: { input: 2, cachedInput: 1, output: 10 } });
    const result = await server.run({ task: 'look around' });
    assert.equal(result.status, 'done', result.error);
    const evs = events(result.runId);
    const usages = evs.filter((e) => e.type === 'usage');
    const spends = evs.filter((e): e is Extract<SwarmEvent, { type: 'run_usage' }> => e.type === 'run_usage');
    assert.equal(spends.length, usages.length);
    assert.ok(spends.length >= 2);
    // Running totals: monotonic, and the last one is the run summary's.
    for (let i = 1; i < spends.length; i++) assert.ok(spends[i].tokens.input > spends[i - 1].tokens.input);
    assert.deepEqual(spends.at(-1)!.tokens, result.summary.tokens);
    assert.equal(spends.at(-1)!.costUsd, result.summary.costUsd);
    const t = result.summary.tokens;
    assert.equal(result.summary.costUsd, Math.round(((t.input - t.cachedInput) * 2 + t.cachedInput * 1 + t.output * 10)) / 1e6);
    assert.equal(spends.at(-1)!.budget, undefined);
  });

  it('stops a single agent at its token budget: no further request, journal intact, rollback byte-exact', async () => {
    const original = readFileSync(join(ctx.ws.path, 'a.txt'));
    const { sim, server } = await ctx.start({
      respond: script([
        { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'a.txt', content: 'changed by the run\n' } }] },
        { text: BIG, toolCalls: [list.toolCalls![0]], chunkChars: 4000 },
        list,
        { text: 'never reached' },
      ]),
    });
    const result = await server.run({ task: 'edit then think a lot', budget: { tokens: 25_000 } });
    assert.equal(result.status, 'cancelled');
    assert.equal(result.stopReason, 'budget');
    assert.match(result.error ?? '', /^Budget reached: [\d,]+ tokens used of a 25,000-token budget/);
    // The third response crossed the budget: its tool call did not run and no fourth request went out.
    assert.equal(sim.requests.length, 3);
    assert.ok(!events(result.runId).some((e) => e.type === 'tool_called' && e.name === 'list_files'));
    const last = events(result.runId).filter((e) => e.type === 'run_usage').at(-1);
    assert.ok(last?.type === 'run_usage' && last.tokens.input + last.tokens.output >= 25_000 && last.budget?.tokens === 25_000, JSON.stringify(events(result.runId).filter((e) => e.type !== 'text_delta')));
    assert.ok(events(result.runId).some((e) => e.type === 'error' && /Budget reached/.test(e.message)));
    assert.equal(events(result.runId).at(-1)?.type, 'run_finished');
    // The first step's write is journaled as usual: review shows it, reject puts the bytes back.
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'changed by the run\n');
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: result.runId, withContent: false });
    assert.deepEqual(changes.files.map((f) => f.path), ['a.txt']);
    const rej = await server.connection.sendRequest(RejectRequest, { runId: result.runId });
    assert.deepEqual(rej.restored, ['a.txt']);
    assert.ok(readFileSync(join(ctx.ws.path, 'a.txt')).equals(original));
  });

  it('stops a swarm at its budget: in-flight sub-agents are cancelled and none sends another request', async () => {
    const inner = swarmScript([swarmOf(['fast', 'slow1', 'slow2']), { text: 'never reached' }], (task) =>
      task.includes('fast')
        ? [{ text: BIG, toolCalls: [list.toolCalls![0]], chunkChars: 4000 }, list, list, { text: 'fast done' }]
        : [{ text: 'slow done', latency: { ttftMs: 30_000 } }],
    );
    const { sim, server } = await ctx.start({
      // The fast one answers once the slow ones' requests are in flight: on a loaded machine its
      // answer could otherwise cross the budget before they were sent (then nothing is cut off).
      respond: async (body, info) => {
        if (info.conversation.includes('Your task:\nlook at fast')) {
          await waitFor(() => ctx.sim.requests.filter((r) => r.conversation.includes('Your task:')).length >= 3, 20_000, 'the slow sub-agents to send');
        }
        return inner(body, info);
      },
    }, { budgetTokens: 25_000 });
    const result = await server.run({ task: 'fan out' });
    assert.equal(result.status, 'cancelled');
    assert.equal(result.stopReason, 'budget');
    // main's first request + the three sub-agents' first ones; nothing after the fast one crossed the budget.
    assert.equal(sim.requests.length, 4);
    const finished = events(result.runId).filter((e) => e.type === 'agent_finished');
    assert.deepEqual(finished.map((e) => e.type === 'agent_finished' && e.status).sort(), ['cancelled', 'cancelled', 'cancelled']);
    // The slow sub-agents' requests were cut off, not waited for.
    const outcomes = await Promise.all(sim.requests.map((r) => r.finished));
    assert.equal(outcomes.filter((o) => o !== 'completed').length, 2, `outcomes: ${outcomes.join(', ')}`);
  });

  it('a dollar budget counts at the run prices', async () => {
    // $1 per 1M output tokens × 30,000 = $0.03 > $0.02.
    const { sim, server } = await ctx.start({ respond: script([{ text: BIG, toolCalls: [list.toolCalls![0]], chunkChars: 4000 }, { text: 'never' }]) }, { pricing: { input: 0, cachedInput: 0, output: 1 } });
    const result = await server.run({ task: 'spend', budget: { usd: 0.02 } });
    assert.equal(result.stopReason, 'budget');
    assert.match(result.error ?? '', /^Budget reached: \$0\.03\d* spent of a \$0\.02 budget/);
    assert.equal(sim.requests.length, 1);
  });

  it('hostile budgets: dollars without prices fail before any request; negative ones are invalid params', async () => {
    const { sim, server } = await ctx.start({ respond: script([{ text: 'hi' }]) });
    const noPrices = await server.run({ task: 'x', budget: { usd: 1 } });
    assert.equal(noPrices.status, 'failed');
    assert.match(noPrices.error ?? '', /dollar budget needs prices/);
    assert.equal(sim.requests.length, 0);
    await assert.rejects(server.run({ task: 'x', budget: { tokens: -5 } }), /invalid params: budget\.tokens/);
    await assert.rejects(server.run({ task: 'x', budget: { usd: Number.NaN } as never }), /invalid params/);
    const ok = await server.run({ task: 'x', budget: { tokens: 0 } });
    assert.equal(ok.status, 'done', '0 means no budget');
  });

  describe('wide swarm confirmation', () => {
    let asked: ApprovalParams[];
    async function setup(answer: ApprovalResult, settings = {}) {
      const started = await ctx.start({ respond: swarmScript([swarmOf(['a', 'b', 'c', 'd']), { text: 'ok' }], (task) => [{ text: `did ${task}` }]) }, { swarmConfirmWidth: 3, ...settings });
      asked = [];
      started.server.connection.onRequest(ApprovalRequest, (p) => {
        asked.push(p);
        return answer;
      });
      return started;
    }

    it('asks before a swarm wider than the setting; declined, no sub-agent starts and the model is told', async () => {
      const { sim, server } = await setup({ approved: false });
      const result = await server.run({ task: 'fan out' });
      assert.equal(result.status, 'done', result.error);
      assert.equal(asked.length, 1);
      const p = asked[0];
      assert.ok(p.kind === 'swarm');
      assert.equal(p.width, 4);
      assert.equal(p.limit, 3);
      assert.equal(p.tool, 'spawn_swarm');
      assert.match(p.reason ?? '', /4 sub-agents at once, more than swarmcode\.swarm\.confirmWidth \(3\)/);
      assert.equal(events(result.runId).filter((e) => e.type === 'agent_spawned').length, 0);
      assert.equal(sim.requests.length, 2);
      const out = JSON.stringify(sim.requests[1].body.messages.at(-1));
      assert.match(out, /No sub-agents were started: the user declined it/);
    });

    it('approved, the whole swarm runs', async () => {
      const { server } = await setup({ approved: true });
      const result = await server.run({ task: 'fan out' });
      assert.equal(result.status, 'done', result.error);
      assert.equal(asked.length, 1);
      assert.equal(events(result.runId).filter((e) => e.type === 'agent_spawned').length, 4);
    });

    it('does not ask at or under the width, nor when the setting is 0', async () => {
      const { sim, server } = await setup({ approved: false }, { swarmConfirmWidth: 4 });
      const r1 = await server.run({ task: 'fan out' });
      assert.equal(asked.length, 0);
      assert.equal(events(r1.runId).filter((e) => e.type === 'agent_spawned').length, 4);
      await server.shutdown();
      await sim.close();
      const second = await setup({ approved: false }, { swarmConfirmWidth: 0 });
      const r2 = await second.server.run({ task: 'fan out' });
      assert.equal(asked.length, 0);
      assert.equal(events(r2.runId).filter((e) => e.type === 'agent_spawned').length, 4);
    });
  });
});
