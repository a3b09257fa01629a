import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '../../../server/protocol';
import { applyEndpoint, findPreset, PRESETS, resolveEndpoint, type ResolveFs } from '../../../server/model/presets';

const noFiles: ResolveFs = { exists: () => false, ggufsIn: () => [] };
const withFile = (path: string): ResolveFs => ({ exists: (p) => p === path, ggufsIn: () => [] });

describe('endpoint presets and resolveEndpoint', () => {
  it('has every preset the issue names, each with URL, model, thinking dialect', () => {
    for (const id of ['moonshot', 'moonshot-cn', 'kimi-code', 'openrouter', 'vllm', 'sglang', 'ollama', 'lmstudio', 'llamacpp', 'local']) {
      const p = PRESETS.find((x) => x.id === id);
      assert.ok(p && p.baseUrl && p.defaultModel && p.dialect, id);
    }
    assert.equal(findPreset('https://api.moonshot.cn/v1/')?.id, 'moonshot-cn');
  });

  it('uses the hosted API when its key is set', () => {
    const d = resolveEndpoint({}, { MOONSHOT_API_KEY: 'sk-x' }, noFiles);
    assert.ok(d.ok && d.endpoint.kind === 'remote');
    assert.equal(d.endpoint.baseUrl, 'https://api.moonshot.ai/v1');
    assert.equal(d.endpoint.model, 'kimi-k2.5');
    assert.equal(d.endpoint.apiKey, 'sk-x');
  });

  it('falls back to a configured GGUF when no endpoint is configured', () => {
    const d = resolveEndpoint({}, { SWARMCODE_MODEL_PATH: '/m/kimi.gguf' }, withFile('/m/kimi.gguf'));
    assert.ok(d.ok && d.endpoint.kind === 'local');
    assert.equal(d.endpoint.modelPath, '/m/kimi.gguf');
    assert.equal(d.endpoint.reason, 'no-endpoint');
    const s = applyEndpoint(DEFAULT_SETTINGS, d.endpoint);
    assert.equal(s.baseUrl, 'local');
    assert.equal(s.localModelPath, '/m/kimi.gguf');
  });

  it('finds a GGUF in the default models directory', () => {
    const fs: ResolveFs = { exists: (p) => p === '/home/u/.cache/swarmcode/models/a.gguf', ggufsIn: () => ['/home/u/.cache/swarmcode/models/a.gguf'] };
    const d = resolveEndpoint({}, {}, fs);
    assert.ok(d.ok && d.endpoint.kind === 'local');
  });

  it('needs no key for a self-hosted endpoint, but does for an explicit hosted one', () => {
    const v = resolveEndpoint({ baseUrl: 'http://10.0.0.5:8000/v1', baseUrlExplicit: true }, {}, noFiles);
    assert.ok(v.ok && v.endpoint.kind === 'remote' && v.endpoint.apiKey === undefined);
    const m = resolveEndpoint({ baseUrl: 'https://api.moonshot.cn/v1', baseUrlExplicit: true }, {}, withFile('/x.gguf'));
    assert.ok(!m.ok);
    assert.match(m.message, /MOONSHOT_API_KEY/);
  });

  it('explains how to get a model when there is nothing', () => {
    const d = resolveEndpoint({}, {}, noFiles);
    assert.ok(!d.ok);
    assert.match(d.message, /export MOONSHOT_API_KEY=/);
    assert.match(d.message, /SWARMCODE_MODEL_PATH/);
    assert.match(d.message, /--base-url http:\/\/HOST:8000\/v1/);
    const local = resolveEndpoint({ baseUrl: 'local', localModelPath: '/nope.gguf' }, {}, noFiles);
    assert.ok(!local.ok);
    assert.match(local.message, /\/nope\.gguf does not exist/);
  });
});
