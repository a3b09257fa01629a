// Which model a run uses when nothing is configured: the embedded engine with a GGUF, or a clear
// message saying how to set one up.
import assert from 'node:assert/strict';
import { ensureTestGguf } from '../../scripts/make-test-gguf';
import { CancelRequest } from '../../server/protocol';
import { waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('protocol: default endpoint', function () {
  this.timeout(60_000);
  const ctx = useSimServer();
  const saved = process.env.SWARMCODE_MODEL_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.SWARMCODE_MODEL_PATH;
    else process.env.SWARMCODE_MODEL_PATH = saved;
  });

  it('without a key or a GGUF, the run fails with set-up instructions', async () => {
    process.env.SWARMCODE_MODEL_PATH = `${ctx.ws.path}/missing.gguf`;
    const server = await ctx.startServer({ apiKey: '' });
    const result = await server.run({ task: 'hello' });
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /No model is configured/);
    assert.match(result.error!, /MOONSHOT_API_KEY/);
  });

  it('without a key but with a GGUF, the run uses the embedded engine', async () => {
    process.env.SWARMCODE_MODEL_PATH = ensureTestGguf('tiny');
    const server = await ctx.startServer({ apiKey: '', swarm: false, repoMapTokens: 0, localContextSize: 16384 });
    const runId = 'local-default';
    const pending = server.run({ task: 'hello', runId });
    await waitFor(() => (server.events.get(runId) ?? []).some((e) => e.type === 'run_started'), 30_000, 'run start');
    const started = server.events.get(runId)!.find((e) => e.type === 'run_started')!;
    assert.ok(started.type === 'run_started' && started.model === 'local:kimi-tiny.gguf', JSON.stringify(started));
    // Generating with random weights is slow on a small machine; the choice of engine is what counts here.
    await server.connection.sendRequest(CancelRequest, { runId });
    assert.equal((await pending).status, 'cancelled');
  });
});
