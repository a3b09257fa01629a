// swarm/run end to end: the spawned server bundle, the HTTP model simulator, real files.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { ApprovalRequest, CancelRequest } from '../../server/protocol';
import { script, type SimulatorOptions, type Turn } from '../support/simulator';
import { tempDir, waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('protocol: swarm/run', function () {
  this.timeout(60_000);
  const ctx = useSimServer({ settings: { model: 'kimi-k2.5', approval: 'always' } });
  const setup = (turns: Turn[], simOpts: SimulatorOptions = {}, settings = {}) => ctx.start({ respond: script(turns), ...simOpts }, settings);
  beforeEach(() => writeFileSync(join(ctx.ws.path, 'a.txt'), 'alpha\nbeta\n'));

  it('runs a multi-step task that reads, edits and writes files', async () => {
    const { sim, server } = await setup([
      { reasoning: 'Look first.', toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'a.txt', old_string: 'beta', new_string: 'gamma' } }] },
      { toolCalls: [{ name: 'write_file', arguments: { path: 'sub/b.txt', content: 'new file\n' } }] },
      { text: 'Done: **edited** a.txt and wrote sub/b.txt.' },
    ]);
    const result = await server.run({ task: 'edit things' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\ngamma\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'sub/b.txt'), 'utf8'), 'new file\n');
    assert.match(result.text, /edited/);
    assert.equal(result.summary.steps, 4);
    assert.equal(result.summary.toolCalls, 3);
    assert.ok(result.summary.tokens.input > 0 && result.summary.tokens.output > 0);

    const events = server.events.get(result.runId)!;
    assert.equal(events[0].type, 'run_started');
    assert.equal(events.at(-1)!.type, 'run_finished');
    assert.ok(events.every((e) => e.agentId === 'main'));
    const outputs = events.filter((e) => e.type === 'tool_output');
    assert.equal(outputs.length, 3);
    assert.ok(outputs.every((e) => e.type === 'tool_output' && e.ok));
    // The model saw the file's contents in the second request.
    const second = sim.requests[1].body.messages.at(-1)!;
    assert.equal(second.role, 'tool');
    assert.match(JSON.stringify(second.content), /alpha/);
  });

  it('sends reasoning_content back on tool-call turns in thinking mode (the simulator rejects it otherwise)', async () => {
    const { sim, server } = await setup(
      [
        { reasoning: 'I should list the files.', toolCalls: [{ name: 'list_files', arguments: {} }] },
        { reasoning: 'Now answer.', text: 'There is a.txt.' },
      ],
      { requireReasoningOnToolCalls: true },
      { thinking: 'on' },
    );
    const result = await server.run({ task: 'what files?' });
    assert.equal(result.status, 'done', result.error);
    const assistant = sim.requests[1].body.messages.find((m) => m.role === 'assistant')!;
    assert.equal(assistant.reasoning_content, 'I should list the files.');
    assert.equal(sim.requests[0].thinking, true);
    const reasoning = server.events.get(result.runId)!.filter((e) => e.type === 'reasoning_delta');
    assert.ok(reasoning.length > 0);
  });

  it('refuses paths outside the workspace and goes on', async () => {
    const outside = tempDir();
    writeFileSync(join(outside.path, 'secret.txt'), 'secret');
    try {
      const { server } = await setup([
        {
          toolCalls: [
            { name: 'read_file', arguments: { path: `../${outside.path.split('/').pop()}/secret.txt` } },
            { name: 'write_file', arguments: { path: join(outside.path, 'pwned.txt'), content: 'x' } },
          ],
        },
        { text: 'ok' },
      ]);
      const result = await server.run({ task: 'escape' });
      assert.equal(result.status, 'done');
      const outputs = server.events.get(result.runId)!.filter((e) => e.type === 'tool_output');
      assert.equal(outputs.length, 2);
      for (const o of outputs) {
        assert.ok(o.type === 'tool_output' && !o.ok, 'escape must fail');
        assert.ok(o.type === 'tool_output' && !o.output.includes('secret\n'));
      }
      assert.ok(!existsSync(join(outside.path, 'pwned.txt')));
    } finally {
      outside.cleanup();
    }
  });

  it('returns malformed tool JSON and unknown tools to the model as errors', async () => {
    const { sim, server } = await setup([
      { toolCalls: [{ name: 'read_file', arguments: '{"path": "a.txt"' }, { name: 'delete_everything', arguments: {} }] },
      { text: 'recovered' },
    ]);
    const result = await server.run({ task: 'x' });
    assert.equal(result.status, 'done');
    assert.equal(result.text, 'recovered');
    const toolMsgs = sim.requests[1].body.messages.filter((m) => m.role === 'tool');
    assert.equal(toolMsgs.length, 2);
    assert.match(JSON.stringify(toolMsgs[0].content), /JSON/i);
    assert.match(JSON.stringify(toolMsgs[1].content), /unknown tool|not a tool|no tool/i);
    assert.match(JSON.stringify(toolMsgs[1].content), /read_file/);
  });

  it('retries a 429 honouring Retry-After, then succeeds', async () => {
    const { sim, server } = await setup([{ fault: { status: 429, retryAfter: 1 } }, { text: 'after the wait' }]);
    const result = await server.run({ task: 'x' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(result.text, 'after the wait');
    const retry = server.events.get(result.runId)!.find((e) => e.type === 'retry');
    assert.ok(retry && retry.type === 'retry' && retry.delayMs >= 900, 'a retry event honouring Retry-After');
    assert.ok(sim.requests[1].at - sim.requests[0].at >= 900);
  });

  it('fails the run with a clear message when the key is rejected', async () => {
    const { server } = await setup([{ text: 'never' }], { apiKey: 'the-right-key' });
    const result = await server.run({ task: 'x' });
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /key/i);
    assert.ok(server.events.get(result.runId)!.some((e) => e.type === 'error'));
  });

  it('cancel mid-stream stops the run and leaves no half-written file', async () => {
    const big = 'x'.repeat(4000);
    const { sim, server } = await setup([
      { text: 'Writing the file now. ', toolCalls: [{ name: 'write_file', arguments: { path: 'half.txt', content: big } }], latency: { ttftMs: 0, tokensPerSec: 200 } },
      { text: 'done' },
    ]);
    const runId = 'cancel-me';
    const pending = server.run({ task: 'x', runId });
    await waitFor(() => (server.events.get(runId) ?? []).some((e) => e.type === 'text_delta'), 10_000, 'streaming');
    const { cancelled } = await server.connection.sendRequest(CancelRequest, { runId });
    assert.equal(cancelled, true);
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    assert.ok(!existsSync(join(ctx.ws.path, 'half.txt')));
    await sim.requests[0].finished; // the HTTP stream was closed, not left running
  });

  it('$/cancelRequest kills a running command', async () => {
    const { server } = await setup([{ toolCalls: [{ name: 'run_command', arguments: { command: 'echo up > started.txt; sleep 30; echo late > late.txt' } }] }, { text: 'x' }]);
    const cts = new CancellationTokenSource();
    const runId = 'cancel-cmd';
    const pending = server.run({ task: 'x', runId }, cts);
    // Cancel once the command runs (a fixed 300 ms after tool_called could still fall in the
    // journal snapshot before the spawn on a loaded machine).
    await waitFor(() => existsSync(join(ctx.ws.path, 'started.txt')), 20_000, 'the command to start');
    const t0 = Date.now();
    cts.cancel();
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    assert.ok(Date.now() - t0 < 15_000, 'cancelled long before the 30 s sleep would end');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!existsSync(join(ctx.ws.path, 'late.txt')));
  });

  it('asks the client to approve commands under the ask policy', async () => {
    const { server } = await setup(
      [
        { toolCalls: [{ name: 'run_command', arguments: { command: 'echo hi > approved.txt' } }] },
        { toolCalls: [{ name: 'run_command', arguments: { command: 'echo no > declined.txt' } }] },
        { text: 'done' },
      ],
      {},
      { approval: 'ask' },
    );
    const asked: string[] = [];
    server.connection.onRequest(ApprovalRequest, (p) => {
      const command = p.kind === 'command' ? p.command : '';
      asked.push(command);
      return { approved: command.includes('approved') };
    });
    const result = await server.run({ task: 'x' });
    assert.equal(result.status, 'done');
    assert.deepEqual(asked, ['echo hi > approved.txt', 'echo no > declined.txt']);
    assert.ok(existsSync(join(ctx.ws.path, 'approved.txt')));
    assert.ok(!existsSync(join(ctx.ws.path, 'declined.txt')));
    const outputs = server.events.get(result.runId)!.filter((e) => e.type === 'tool_output');
    assert.ok(outputs[1].type === 'tool_output' && !outputs[1].ok && /declin/i.test(outputs[1].output));
  });

  it('tools see the editor’s unsaved buffer', async () => {
    const { server } = await setup([{ toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }, { text: 'ok' }]);
    const uri = pathToFileURL(join(ctx.ws.path, 'a.txt')).href;
    server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text: 'alpha\nbeta\n' } });
    server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'UNSAVED EDIT\n' }] });
    const result = await server.run({ task: 'x' });
    const out = server.events.get(result.runId)!.find((e) => e.type === 'tool_output');
    assert.ok(out && out.type === 'tool_output' && out.output.includes('UNSAVED EDIT'));
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\nbeta\n');
  });

  it('sends images as image parts', async () => {
    const { sim, server } = await setup([{ text: 'a red square' }]);
    const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
    const result = await server.run({ task: 'what is this?', images: [{ mimeType: 'image/png', data: png }] });
    assert.equal(result.status, 'done');
    const user = sim.requests[0].body.messages.find((m) => m.role === 'user')!;
    const parts = user.content as { type: string; image_url?: { url: string } }[];
    assert.ok(parts.some((p) => p.type === 'image_url' && p.image_url!.url === `data:image/png;base64,${png}`));
  });
});

describe('protocol: settings', function () {
  this.timeout(20_000);
  const ctx = useSimServer();
  it('applies workspace/didChangeConfiguration to the next run', async () => {
    mkdirSync(join(ctx.ws.path, 'd'));
    const { sim, server } = await ctx.start({ respond: () => ({ text: 'hi' }), models: ['model-b'] }, { model: 'model-a' });
    const first = await server.run({ task: 'x' });
    assert.equal(first.status, 'failed');
    server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { model: 'model-b' } });
    const second = await server.run({ task: 'x' });
    assert.equal(second.status, 'done', second.error);
    assert.equal(sim.requests.at(-1)!.body.model, 'model-b');
  });
});
