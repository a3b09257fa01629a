// The context window from an endpoint's GET /models listing. Field names as the servers publish
// them: vLLM's ModelCard `max_model_len`; OpenRouter's and Moonshot's `context_length`;
// llama-server's `meta.n_ctx_train`.
import assert from 'node:assert/strict';
import { createModelForRun } from '../../../server/model';
import { fetchContextWindow, windowOf } from '../../../server/model/models-meta';
import { DEFAULT_SETTINGS } from '../../../server/protocol';
import { startSimulator, type Simulator } from '../../support/simulator';
import { quietLog } from './helpers';

describe('model/models-meta: the window from /models', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('reads each server\'s field', () => {
    assert.equal(windowOf({ id: 'm', max_model_len: 65_536 }), 65_536);
    assert.equal(windowOf({ id: 'm', context_length: 262_144 }), 262_144);
    assert.equal(windowOf({ id: 'm', meta: { n_ctx_train: 131_072 } }), 131_072);
    assert.equal(windowOf({ id: 'm' }), undefined);
    assert.equal(windowOf({ id: 'm', max_model_len: -1 } as never), undefined);
  });

  it('a vLLM-style endpoint\'s max_model_len becomes the model\'s window, the output cap a quarter of it', async () => {
    sim = await startSimulator({ models: ['served-model'], modelMeta: { max_model_len: 40_000 } });
    assert.equal(await fetchContextWindow(sim.url, 'served-model', 'k'), 40_000);
    const model = await createModelForRun({ ...DEFAULT_SETTINGS, baseUrl: sim.url, apiKey: 'test-key', model: 'served-model' }, quietLog(), new AbortController().signal);
    assert.deepEqual(model.limits, { contextWindow: 40_000, maxOutputTokens: 10_000 });
  });

  it('a preset or the setting wins over asking; an endpoint that says nothing gets the fallback', async () => {
    sim = await startSimulator({ models: ['plain-model'] });
    const ask = (extra: object) => createModelForRun({ ...DEFAULT_SETTINGS, baseUrl: sim!.url, apiKey: 'test-key', model: 'plain-model', ...extra }, quietLog(), new AbortController().signal);
    assert.equal((await ask({})).limits?.contextWindow, 131_072);
    assert.equal((await ask({ contextWindow: 50_000 })).limits?.contextWindow, 50_000);
    assert.equal((await ask({ model: 'kimi-k2.5' })).limits?.contextWindow, 262_144);
  });
});
