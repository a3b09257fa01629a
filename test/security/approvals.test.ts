// Approvals for swarms through the real server: "allow for this run", per-tool policies (edits
// set to ask), many sub-agents asking at once, and a client that cannot ask.
//
// References: LSP 3.17 server → client requests and `$/cancelRequest` (a withdrawn question is
// cancelled, not left open); JSON-RPC 2.0 §5.1 -32601 "Method not found" (what a client without
// a `swarm/approval` handler answers).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CancellationToken } from 'vscode-jsonrpc/node';
import { ApprovalRequest, type ApprovalParams, type ApprovalResult, type ServerSettings } from '../../server/protocol';
import { perConversation, script, type SimulatorOptions, type Turn } from '../support/simulator';
import { waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

interface Asked {
  params: ApprovalParams;
  token: CancellationToken;
  answer(r: ApprovalResult): void;
}

describe('security: approvals', function () {
  this.timeout(40_000);
  const ctx = useSimServer();
  let asked: Asked[];

  async function setup(respond: SimulatorOptions['respond'], settings: Partial<ServerSettings>, handle = true) {
    const started = await ctx.start({ respond }, settings);
    asked = [];
    if (handle) started.server.connection.onRequest(ApprovalRequest, (params, token) => new Promise<ApprovalResult>((answer) => asked.push({ params, token, answer })));
    return started;
  }
  beforeEach(() => {
    writeFileSync(join(ctx.ws.path, 'a.txt'), 'alpha\n');
  });

  it('"allow for this run" stops asking for that command in that run, and only that command', async () => {
    const { server } = await setup(
      script([
        { toolCalls: [{ name: 'run_command', arguments: { command: 'echo 1 >> log.txt' } }] },
        { toolCalls: [{ name: 'run_command', arguments: { command: 'echo 1 >> log.txt' } }] },
        { toolCalls: [{ name: 'run_command', arguments: { command: 'echo other >> log.txt' } }] },
        { text: 'done' },
      ]),
      { approval: 'ask' },
    );
    const pending = server.run({ task: 'x', runId: 'r1' });
    await waitFor(() => asked.length === 1, 10_000, 'first question');
    assert.equal(asked[0].params.kind, 'command');
    asked[0].answer({ approved: true, scope: 'run' });
    // The repeat runs without a question; the different command is asked about.
    await waitFor(() => asked.length === 2, 10_000, 'the question about the other command');
    assert.ok(asked[1].params.kind === 'command' && asked[1].params.command === 'echo other >> log.txt');
    asked[1].answer({ approved: false });
    const result = await pending;
    assert.equal(result.status, 'done');
    assert.equal(readFileSync(join(ctx.ws.path, 'log.txt'), 'utf8'), '1\n1\n');
  });

  it('a "for this run" grant ends with the run', async () => {
    const { server } = await setup(script([{ toolCalls: [{ name: 'run_command', arguments: { command: 'echo x >> log.txt' } }] }, { text: 'done' }], { cycle: true }), { approval: 'ask' });
    const first = server.run({ task: 'x', runId: 'g1' });
    await waitFor(() => asked.length === 1, 10_000, 'first run question');
    asked[0].answer({ approved: true, scope: 'run' });
    await first;
    const second = server.run({ task: 'x', runId: 'g2' });
    await waitFor(() => asked.length === 2, 10_000, 'the next run asks again');
    assert.equal(asked[1].params.runId, 'g2');
    asked[1].answer({ approved: false });
    await second;
  });

  it('edits can be set to ask: edit_file under toolApproval "ask" waits for the user, a refusal leaves the file alone', async () => {
    const { server } = await setup(
      script([
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'a.txt', old_string: 'alpha', new_string: 'EVIL' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'fine\n' } }] },
        { text: 'done' },
      ]),
      { approval: 'always', toolApproval: { edit_file: 'ask' } },
    );
    const pending = server.run({ task: 'x' });
    await waitFor(() => asked.length === 1, 10_000, 'the edit question');
    const p = asked[0].params;
    assert.ok(p.kind === 'tool' && p.tool === 'edit_file', JSON.stringify(p));
    assert.ok(p.kind === 'tool' && p.args.includes('EVIL') && p.args.includes('a.txt'), 'the question shows the edit');
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\n', 'nothing written before the answer');
    asked[0].answer({ approved: false });
    const result = await pending;
    assert.equal(result.status, 'done');
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\n');
    assert.ok(existsSync(join(ctx.ws.path, 'b.txt')), 'write_file has no policy of its own, so it was not asked about');
    assert.equal(asked.length, 1);
    const out = server.events.get(result.runId)!.find((e) => e.type === 'tool_output');
    assert.ok(out?.type === 'tool_output' && !out.ok && /declined/.test(out.output));
  });

  it('many sub-agents asking the same command at once: one "for this run" answer settles and withdraws the rest', async () => {
    const n = 6;
    const main: Turn[] = [{ toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'count {{item}}', items: Array.from({ length: n }, (_, i) => `i${i}`) } }] }, { text: 'all done' }];
    const { server } = await setup(
      perConversation((conversation) =>
        /count i\d/.test(conversation) ? script([{ toolCalls: [{ name: 'run_command', arguments: { command: 'echo tick >> ticks.txt' } }] }, { text: 'ok' }]) : script(main),
      ),
      { approval: 'ask' },
    );
    const pending = server.run({ task: 'x' });
    await waitFor(() => asked.length === n, 15_000, 'every sub-agent asking');
    assert.equal(new Set(asked.map((a) => a.params.agentId)).size, n, 'each question names its agent');
    asked[0].answer({ approved: true, scope: 'run' });
    const result = await pending;
    assert.equal(result.status, 'done', result.error);
    assert.equal(readFileSync(join(ctx.ws.path, 'ticks.txt'), 'utf8'), 'tick\n'.repeat(n));
    await waitFor(() => asked.slice(1).every((a) => a.token.isCancellationRequested), 5_000, 'the other questions withdrawn');
  });

  it('a client without a swarm/approval handler declines (the model is told), the run goes on', async () => {
    const { server } = await setup(script([{ toolCalls: [{ name: 'run_command', arguments: { command: 'touch nope.txt' } }] }, { text: 'carried on' }]), { approval: 'ask' }, false);
    const result = await server.run({ task: 'x' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(result.text, 'carried on');
    assert.ok(!existsSync(join(ctx.ws.path, 'nope.txt')));
  });
});
