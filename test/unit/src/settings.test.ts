import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS } from '../../../server/protocol';
import { describe as describeSettings, needsApiKey, readSettings, SETTING_MAP } from '../../../src/settings';

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

  it('needs a key for Moonshot only', () => {
    assert.equal(needsApiKey('https://api.moonshot.ai/v1'), true);
    assert.equal(needsApiKey('https://api.moonshot.cn/v1'), true);
    assert.equal(needsApiKey('http://127.0.0.1:8000/v1'), false);
    assert.equal(needsApiKey('not a url'), false);
  });

  it('describes settings without the key', () => {
    const line = describeSettings({ ...DEFAULT_SETTINGS, apiKey: 'sk-secret-value-123' });
    assert.ok(!line.includes('sk-secret'), line);
    assert.match(line, /apiKey=set/);
  });
});
