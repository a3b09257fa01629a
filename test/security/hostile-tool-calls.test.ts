// Hostile model output through the real server: tool-call arguments that would overflow the
// event encoder, and tool-call ids the model repeats.
//
// References: OpenAI Chat Completions "tool_calls[].id: The ID of the tool call" and a tool
// message's `tool_call_id` "Tool call that this message is responding to" (one answer per id);
// Kimi K2 tool-call ids `functions.NAME:IDX` (MoonshotAI/Kimi-K2 docs/tool_call_guidance.md),
// which the model writes itself and can repeat; vLLM's kimi_k2 tool parser takes them verbatim.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { script, type Turn } from '../support/simulator';
import { useSimServer } from '../support/sim-server';

describe('security: hostile tool calls', function () {
  this.timeout(30_000);
  const ctx = useSimServer();

  const setup = (turns: Turn[]) => ctx.start({ respond: script(turns) }, { approval: 'always' });
  beforeEach(() => {
    writeFileSync(join(ctx.ws.path, 'a.txt'), 'alpha\n');
  });

  it('emits tool_called with a bounded preview for arguments nested 10,000 deep', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    // Long, yet inside the output cap the simulator enforces (max_tokens, 4 characters a token).
    const long = 'x'.repeat(60_000);
    const { server } = await setup([
      {
        toolCalls: [
          { name: 'read_file', arguments: `{"path": "a.txt", "junk": ${deep}}` },
          { name: 'write_file', arguments: { path: 'big.txt', content: long } },
        ],
        chunkChars: 65_536,
      },
      { text: 'survived' },
    ]);
    const result = await server.run({ task: 'x' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(result.text, 'survived');
    const events = server.events.get(result.runId)!;
    const called = events.filter((e) => e.type === 'tool_called');
    assert.equal(called.length, 2, 'both tool_called events arrived');
    const [first, second] = called.map((e) => (e.type === 'tool_called' ? e : undefined)!);
    assert.equal((first.args as { path: string }).path, 'a.txt', 'the shallow part of the arguments is kept');
    assert.ok(JSON.stringify(first.args).length < 20_000, 'the preview of the deep value is cut');
    assert.ok(JSON.stringify(second.args).length < 10_000, 'a 60,000-character argument is cut in the event');
    assert.match(JSON.stringify(second.args), /more characters|…/);
    // The tool itself got the whole argument, and each call has its result.
    assert.equal(readFileSync(join(ctx.ws.path, 'big.txt'), 'utf8').length, long.length);
    assert.equal(events.filter((e) => e.type === 'tool_output').length, 2);
  });

  it('makes repeated tool-call ids unique, so each call keeps its own result', async () => {
    writeFileSync(join(ctx.ws.path, 'b.txt'), 'bravo\n');
    const { sim, server } = await setup([
      {
        toolCalls: [
          { id: 'functions.read_file:0', name: 'read_file', arguments: { path: 'a.txt' } },
          { id: 'functions.read_file:0', name: 'read_file', arguments: { path: 'b.txt' } },
          { id: '', name: 'list_files', arguments: {} },
        ],
      },
      { toolCalls: [{ id: 'functions.read_file:0', name: 'read_file', arguments: { path: 'b.txt' } }] },
      { text: 'ok' },
    ]);
    const result = await server.run({ task: 'x' });
    assert.equal(result.status, 'done', result.error);
    const events = server.events.get(result.runId)!;
    const ids = events.filter((e) => e.type === 'tool_called').map((e) => (e.type === 'tool_called' ? e.callId : ''));
    assert.equal(ids.length, 4);
    assert.equal(new Set(ids).size, 4, `unique call ids: ${ids.join(', ')}`);
    assert.ok(ids.every((id) => id.length > 0));
    // Each tool_output carries the id of its own call: a.txt's text under the first, b.txt's under the second.
    const outputs = new Map(events.filter((e) => e.type === 'tool_output').map((e) => (e.type === 'tool_output' ? [e.callId, e.output] : ['', ''])));
    assert.match(outputs.get(ids[0])!, /alpha/);
    assert.match(outputs.get(ids[1])!, /bravo/);
    // What goes back to the model pairs every tool message with exactly one call id.
    const last = sim.requests.at(-1)!.body.messages as { role: string; tool_call_id?: string; tool_calls?: { id: string }[] }[];
    const callIds = last.flatMap((m) => m.tool_calls?.map((c) => c.id) ?? []);
    const answerIds = last.filter((m) => m.role === 'tool').map((m) => m.tool_call_id);
    assert.equal(new Set(callIds).size, callIds.length, `assistant tool_calls ids are unique: ${callIds.join(', ')}`);
    assert.deepEqual(answerIds, callIds);
  });
});
