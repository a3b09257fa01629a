// A long run against a simulator as strict as Moonshot's K2.5: a 262,144-token window (prompt +
// max_tokens counted together, MoonshotAI-Cookbook#18), 400 for anything larger, a block prefix
// cache. 90 steps of ~7k-token tool outputs are far more than the window holds: the run must
// compact, never send an oversized request, keep what the summary says, and keep the prefix stable
// between compactions so the provider's cache serves most of every prompt.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactRequest, type SwarmEvent } from '../../server/protocol';
import { contentText, script, type ChatRequestBody, type Turn } from '../support/simulator';
import { waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

const STEPS = 90;
const WINDOW = 262_144;

/** The agent's summary request: its own conversation plus one question at the end. */
function isSummaryRequest(body: ChatRequestBody): boolean {
  const last = body.messages.at(-1);
  return last?.role === 'user' && contentText(last.content).startsWith('[Conversation compacted] The conversation above');
}

function longRunResponder() {
  let step = 0;
  return (body: ChatRequestBody): Turn => {
    if (isSummaryRequest(body)) {
      // The summary request: the agent's own prefix plus the question (the model's answer here is scripted).
      const seen = body.messages.filter((m) => m.role === 'tool').length;
      return { text: `Summary: read ${seen} files so far; file 0 says the release code is 4711.` };
    }
    step++;
    if (step > STEPS) return { text: 'All files read. The release code is 4711.' };
    return { toolCalls: [{ name: 'read_file', arguments: { path: `big${step % 10}.txt`, offset: 1 + (step % 7) } }] };
  };
}

describe('protocol: a long run inside the context window', function () {
  this.timeout(120_000);
  const ctx = useSimServer({ workspace: 'suite', settings: { model: 'kimi-k2.5', approval: 'always', swarm: false, thinking: 'off' } });

  before(() => {
    for (let f = 0; f < 10; f++) {
      const lines = Array.from({ length: 600 }, (_, i) => `${f === 0 && i === 3 ? 'RELEASE_CODE=4711 ' : ''}line ${i} of file ${f}: ${'lorem ipsum dolor sit amet '.repeat(2)}`);
      writeFileSync(join(ctx.ws.path, `big${f}.txt`), lines.join('\n'));
    }
  });

  it(`runs ${STEPS} steps of large tool outputs: compacts with summaries, never exceeds 262,144 tokens, keeps the cache`, async () => {
    const { sim, server } = await ctx.start({ respond: longRunResponder(), contextWindow: WINDOW, usageStyle: 'moonshot' }, { maxSteps: STEPS + 5 });
    const result = await server.run({ task: 'Read the big files and report the release code.' });
    assert.equal(result.status, 'done', result.error);
    assert.match(result.text, /4711/);

    // Not one request over the window: the strict simulator would have answered 400.
    assert.ok(sim.requests.every((r) => r.status === 200), `rejected: ${sim.requests.filter((r) => r.status !== 200).map((r) => r.index)}`);
    for (const r of sim.requests) assert.ok(r.promptTokens + (r.body.max_tokens ?? 0) <= WINDOW);

    const events = server.events.get(result.runId)!;
    const context = events.filter((e): e is Extract<SwarmEvent, { type: 'context' }> => e.type === 'context');
    assert.equal(context.length, STEPS + 1, `one context event per step; steps ${result.summary.steps}, requests ${sim.requests.length}, ${JSON.stringify(context.slice(0, 3))}`);
    const compactions = context.filter((e) => e.compacted);
    assert.ok(compactions.length >= 2, `compactions: ${compactions.length}`);
    // Large steps with hysteresis: each compaction goes down to about half the budget at once.
    for (const c of compactions) {
      assert.equal(c.compacted!.summarized, true);
      assert.ok(c.compacted!.after <= c.budget * 0.6, `compacted to ${c.compacted!.after} of budget ${c.budget}`);
    }
    assert.ok(compactions.length <= STEPS / 8, 'compaction in large steps, not one output at a time');

    // The summary request re-uses the agent's prefix, and what it said reaches later requests.
    const summaries = sim.requests.filter((r) => isSummaryRequest(r.body));
    assert.equal(summaries.length, compactions.length);
    const last = sim.requests.at(-1)!;
    assert.match(JSON.stringify(last.body.messages), /release code is 4711/);
    assert.equal(last.body.messages[1].role, 'user', 'the task stays at the head');
    assert.match(String(last.body.messages[1].content), /Read the big files/);

    // Between compactions the prompt only grows at its end: most prompt tokens come from the cache.
    const prompt = sim.requests.reduce((s, r) => s + r.promptTokens, 0);
    const cached = sim.requests.reduce((s, r) => s + r.cachedTokens, 0);
    assert.ok(cached / prompt >= 0.7, `cached share ${(cached / prompt).toFixed(2)}`);
  });

  it('swarm/compact compacts a live agent before its next step', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let step = 0;
    const { sim, server } = await ctx.start({
      respond: async (body) => {
        if (isSummaryRequest(body)) return { text: 'Summary: read big1 and big2.' };
        step++;
        if (step === 3) await gate;
        if (step <= 3) return { toolCalls: [{ name: 'read_file', arguments: { path: `big${step}.txt` } }] };
        return { text: 'done' };
      },
    });
    const running = server.run({ runId: 'compact-me', task: 'read three files' });
    await waitFor(() => step === 3, 10_000, 'third step');
    const reply = await server.connection.sendRequest(CompactRequest, { runId: 'compact-me' });
    assert.deepEqual(reply, { scheduled: true });
    release();
    const result = await running;
    assert.equal(result.status, 'done', result.error);
    const compacted = server.events.get('compact-me')!.filter((e) => e.type === 'context' && e.compacted);
    assert.equal(compacted.length, 1);
    const after = sim.requests.at(-1)!.body.messages;
    assert.ok(after.some((m) => m.role === 'user' && String(m.content).includes('Summary: read big1 and big2.')));
    assert.deepEqual(await server.connection.sendRequest(CompactRequest, { runId: 'no-such-run' }), { scheduled: false });
  });

  // finish_reason "length" (OpenAI / Moonshot): the output cap ended the turn. A tool call cut off
  // mid-arguments is never executed; the agent is told and goes on, or the run fails saying why.
  it('a tool call cut off by the output cap is never run: the agent is told and continues', async () => {
    const { sim, server } = await ctx.start({
      respond: script([
        { text: 'Writing it. ', toolCalls: [{ name: 'write_file', arguments: { path: 'out.txt', content: 'A'.repeat(6000) } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'out.txt', content: 'short\n' } }] },
        { text: 'Wrote out.txt in a shorter form.' },
      ]),
    }, { maxOutputTokens: 400 });
    const result = await server.run({ task: 'write out.txt' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(readFileSync(join(ctx.ws.path, 'out.txt'), 'utf8'), 'short\n');
    assert.ok(sim.requests.every((r) => r.body.max_tokens === 400));
    const notice = contentText(sim.requests[1].body.messages.at(-1)!.content);
    assert.match(notice, /cut off at the output limit \(400 tokens\) while you were writing a call to write_file; that call was incomplete and was NOT executed/);
    const called = server.events.get(result.runId)!.filter((e) => e.type === 'tool_called');
    assert.equal(called.length, 1, 'only the complete call reached a tool');
  });

  it('fails with a clear message when every reply is cut off', async () => {
    const huge = { toolCalls: [{ name: 'write_file', arguments: { path: 'never.txt', content: 'B'.repeat(6000) } }] };
    const { server } = await ctx.start({ respond: script([huge, huge, huge, huge]) }, { maxOutputTokens: 300 });
    const result = await server.run({ task: 'write never.txt' });
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /cut off at the output limit \(300 tokens\) 3 times in a row; raise maxOutputTokens \(--max-tokens\)/);
    assert.equal(existsSync(join(ctx.ws.path, 'never.txt')), false);
  });
});
