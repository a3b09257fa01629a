// swarm/lmModels and swarm/lmComplete (the extension's vscode.lm provider rides on them): the
// endpoint's `GET /models` listing (OpenAI API reference, "List models": `{object: "list", data:
// [{id, …}]}`) and one streamed chat completion (OpenAI Chat Completions SSE `delta.content`),
// through the real server against the simulator.
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { LmCompleteRequest, LmDeltaNotification, LmModelsRequest } from '../../server/protocol';
import { contentText, script } from '../support/simulator';
import { waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('protocol: language models for other clients (swarm/lm*)', function () {
  this.timeout(30_000);
  const ctx = useSimServer();

  it('lists the endpoint\'s models, the configured one first with the window the endpoint declares', async () => {
    const { sim, server } = await ctx.start({ models: ['other-model', 'sim-model'], modelMeta: { max_model_len: 65_536 } }, { model: 'sim-model', apiKey: 'k' });
    const models = await server.connection.sendRequest(LmModelsRequest, {});
    assert.deepEqual(models.map((m) => [m.id, m.configured, m.contextWindow]), [['sim-model', true, 65_536], ['other-model', false, 65_536]]);
    assert.equal(models[0].maxOutputTokens, 16_384);
  });

  it('an endpoint that lists nothing (401 here) still offers the configured model', async () => {
    const { sim, server } = await ctx.start({ apiKey: 'right' }, { model: 'sim-model', apiKey: 'wrong' });
    const models = await server.connection.sendRequest(LmModelsRequest, {});
    assert.deepEqual(models.map((m) => m.id), ['sim-model']);
  });

  it('streams one plain completion as swarm/lmDelta and returns the whole text, usage and finish reason', async () => {
    const { sim, server } = await ctx.start({ respond: script([{ text: 'Hello from the endpoint, streamed in pieces.' }]), chunkChars: 5 }, { model: 'sim-model', apiKey: 'k' });
    const deltas: string[] = [];
    server.connection.onNotification(LmDeltaNotification, (p) => {
      if (p.requestId === 'q1') deltas.push(p.text);
    });
    const res = await server.connection.sendRequest(LmCompleteRequest, { requestId: 'q1', messages: [{ role: 'system', text: 'Be brief.' }, { role: 'user', text: 'Say hello' }], maxTokens: 100 });
    assert.equal(res.text, 'Hello from the endpoint, streamed in pieces.');
    assert.equal(res.finishReason, 'stop');
    assert.ok(res.usage && res.usage.output > 0);
    await waitFor(() => deltas.join('') === res.text, 5_000, 'every delta');
    assert.ok(deltas.length > 1, 'streamed in more than one piece');
    // The request went out as a plain chat completion: the caller's messages, no tools, its cap.
    const body = sim.requests[0].body;
    assert.deepEqual(body.messages.map((m) => [m.role, contentText(m.content)]), [['system', 'Be brief.'], ['user', 'Say hello']]);
    assert.equal(body.tools, undefined);
    assert.equal(body.max_tokens, 100);
    assert.equal(body.model, 'sim-model');
  });

  it('cancelling the request aborts the model call; bad params are -32602 naming the field', async () => {
    const { sim, server } = await ctx.start({ respond: script([{ text: 'slow '.repeat(500), latency: { tokensPerSec: 20 } }]) }, { model: 'sim-model', apiKey: 'k' });
    const cts = new CancellationTokenSource();
    const pending = server.connection.sendRequest(LmCompleteRequest, { requestId: 'q2', messages: [{ role: 'user', text: 'go' }] }, cts.token);
    await waitFor(() => sim!.requests.length === 1, 10_000, 'the model request');
    cts.cancel();
    await assert.rejects(pending);
    assert.equal(await sim.requests[0].finished, 'disconnected');
    for (const bad of [{ requestId: 'x', messages: [] }, { requestId: 'x', messages: [{ role: 'tool', text: 'x' }] }, { requestId: '', messages: [{ role: 'user', text: 'x' }] }, { requestId: 'x', messages: [{ role: 'user', text: 'x' }], maxTokens: -1 }]) {
      await assert.rejects(server.connection.sendRequest(LmCompleteRequest, bad as never), (e: { code?: number; message?: string }) => e.code === -32602 && /swarm\/lmComplete: invalid params/.test(e.message ?? ''));
    }
  });
});
