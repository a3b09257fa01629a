import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../server/protocol';
import { HOW_TO_CONFIGURE } from '../../../server/model/presets';
import { describe as describeSettings, needsApiKey, needsModelSetup, readSettings, settingsForPreset, SETTING_MAP } from '../../../src/settings';
import { resolveDialect } from '../../../server/model/dialect';
import { PRESETS } from '../../../server/model/presets';

const source = (values: Record<string, unknown>) => ({ get: <T>(key: string) => values[key] as T | undefined });

describe('src/settings', () => {
  it('maps every swarmcode.* setting onto ServerSettings', () => {
    const s = readSettings(
      source({
        baseUrl: ' http://127.0.0.1:8000/v1 ',
        model: 'kimi-k2.5-local',
        thinking: 'off',
        concurrency: 4,
        commandApproval: 'always',
        allowlist: ['make test'],
        maxSteps: 7,
        maxRetries: 0,
        logLevel: 'debug',
        swarm: false,
        maxAgents: 3,
        rpm: 200,
        tpm: 0,
      }),
    );
    assert.deepEqual(s, {
      ...DEFAULT_SETTINGS,
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'kimi-k2.5-local',
      thinking: 'off',
      concurrency: 4,
      approval: 'always',
      allowlist: ['make test'],
      maxSteps: 7,
      maxRetries: 0,
      logLevel: 'debug',
      swarm: false,
      maxAgents: 3,
      rpm: 200,
      tpm: 0,
    });
  });

  it('falls back to the server defaults for missing or invalid values and never carries a key', () => {
    const s = readSettings(source({ thinking: 'maybe', concurrency: 0, commandApproval: 'yolo', allowlist: 'ls', baseUrl: '  ', apiKey: 'sk-nope' }));
    const { apiKey: _omit, ...defaults } = DEFAULT_SETTINGS;
    assert.deepEqual(s, defaults);
    assert.equal('apiKey' in s, false);
  });

  it('contributes a package.json setting for every mapped field, with the server default', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
    for (const { setting, field } of SETTING_MAP) {
      const prop = props[`swarmcode.${setting}`];
      assert.ok(prop, `swarmcode.${setting} is contributed`);
      assert.deepEqual(prop.default, DEFAULT_SETTINGS[field], `default of swarmcode.${setting}`);
    }
    assert.ok(!Object.keys(props).some((k) => /key|secret|token$/i.test(k)), 'no API key setting');
  });

  it('maps the MCP settings; a policy map with an unknown policy or a list instead of a map is left out', () => {
    const servers = { fs: { type: 'stdio', command: 'npx', args: ['-y', 'x'] } };
    const s = readSettings(source({ mcpServers: servers, mcpApproval: { fs: 'always' }, mcpTimeoutMs: 5000 }));
    assert.deepEqual(s.mcpServers, servers);
    assert.deepEqual(s.mcpApproval, { fs: 'always' });
    assert.equal(s.mcpTimeoutMs, 5000);
    const bad = readSettings(source({ mcpServers: ['x'], mcpApproval: { fs: 'allowlist' }, mcpTimeoutMs: 5 }));
    assert.deepEqual([bad.mcpServers, bad.mcpApproval, bad.mcpTimeoutMs], [{}, {}, 120_000]);
  });

  it('maps the budget and the wide-swarm width; negative, fractional or non-finite values keep the defaults', () => {
    const s = readSettings(source({ 'budget.tokens': 50_000, 'budget.usd': 1.5, 'swarm.confirmWidth': 8 }));
    assert.deepEqual([s.budgetTokens, s.budgetUsd, s.swarmConfirmWidth], [50_000, 1.5, 8]);
    const bad = readSettings(source({ 'budget.tokens': -1, 'budget.usd': Number.POSITIVE_INFINITY, 'swarm.confirmWidth': 2.5 }));
    assert.deepEqual([bad.budgetTokens, bad.budgetUsd, bad.swarmConfirmWidth], [0, 0, 32]);
  });

  it('needs a key for Moonshot only', () => {
    assert.equal(needsApiKey('https://api.moonshot.ai/v1'), true);
    assert.equal(needsApiKey('https://api.moonshot.cn/v1'), true);
    assert.equal(needsApiKey('http://127.0.0.1:8000/v1'), false);
    assert.equal(needsApiKey('not a url'), false);
  });

  it('passes the embedded engine and browser settings through; empty or invalid ones are left out', () => {
    const s = readSettings(source({ localModelPath: ' /models/kimi.gguf ', localContextSize: 16384, browserPath: '/usr/bin/chromium' }));
    assert.equal(s.localModelPath, '/models/kimi.gguf');
    assert.equal(s.localContextSize, 16384);
    assert.equal(s.browserPath, '/usr/bin/chromium');
    const t = readSettings(source({ localModelPath: '', localContextSize: 10, browserPath: '  ' }));
    assert.equal('localModelPath' in t, false);
    assert.equal('localContextSize' in t, false);
    assert.equal('browserPath' in t, false);
  });

  it('recognises the server\'s "no model configured" and key errors (the chat then offers Set API Key)', () => {
    assert.equal(needsModelSetup(HOW_TO_CONFIGURE('MOONSHOT_API_KEY')), true);
    assert.equal(needsModelSetup('Moonshot API needs an API key: set MOONSHOT_API_KEY (or pass --api-key-env NAME).'), true);
    assert.equal(needsModelSetup('The endpoint rejected the API key (401).'), true);
    assert.equal(needsModelSetup('connect ECONNREFUSED 127.0.0.1:8000'), false);
    assert.equal(needsModelSetup(undefined), false);
  });

  it('maps the output cap, dialect, window and preset; the provider picker writes a preset whose dialect then applies', () => {
    const t = readSettings(source({ maxOutputTokens: 16000, dialect: 'moonshot', contextWindow: 200_000, preset: 'kimi-code' }));
    assert.equal(t.maxOutputTokens, 16000);
    assert.equal(t.dialect, 'moonshot');
    assert.equal(t.contextWindow, 200_000);
    assert.equal(t.preset, 'kimi-code');
    const bad = readSettings(source({ maxOutputTokens: -1, dialect: 'openai', contextWindow: 12 }));
    assert.equal('maxOutputTokens' in bad, false);
    assert.equal(bad.dialect, 'auto');
    assert.equal('contextWindow' in bad, false);
    for (const id of ['kimi-code', 'ollama', 'vllm']) {
      const p = PRESETS.find((x) => x.id === id)!;
      const picked = readSettings(source(settingsForPreset(p)));
      assert.equal(picked.baseUrl, p.baseUrl);
      assert.equal(picked.model, p.defaultModel);
      assert.equal(resolveDialect(picked), p.dialect, id);
    }
  });

  it('passes swarmcode.shell through (a name or a path, trimmed); empty, non-string or NUL-bearing values keep auto', () => {
    assert.equal(readSettings(source({ shell: ' gitbash ' })).shell, 'gitbash');
    assert.equal(readSettings(source({ shell: 'C:\\Program Files\\Git\\bin\\bash.exe' })).shell, 'C:\\Program Files\\Git\\bin\\bash.exe');
    for (const bad of ['', '   ', 7, ['cmd'], 'cmd\0', 'x'.repeat(5000)]) assert.equal(readSettings(source({ shell: bad })).shell, 'auto', JSON.stringify(bad).slice(0, 20));
  });

  it('describes settings without the key', () => {
    const line = describeSettings({ ...DEFAULT_SETTINGS, apiKey: 'sk-secret-value-123' });
    assert.ok(!line.includes('sk-secret'), line);
    assert.match(line, /apiKey=set/);
  });
});
