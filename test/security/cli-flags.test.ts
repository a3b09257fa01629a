// The CLI's side of containment: `--allow-network`, `--allow-host`, `--api-key-env` (its variable
// never reaches children) and the allowlist-only policy without `--yes` (README, docs/security.md).
import assert from 'node:assert/strict';
import { parseRunArgs } from '../../cli/run';
import { tempDir } from '../support/server';

describe('security: CLI flags', () => {
  it('maps --allow-network, --allow-host and --api-key-env to the settings; no --yes means allowlist-only', () => {
    const ws = tempDir();
    try {
      const env = { MY_CRED: 'secret-value-123456' };
      const o = parseRunArgs(['--workspace', ws.path, '--api-key-env', 'MY_CRED', '--allow-host', 'registry.npmjs.org', '--allow-host', '*.pypi.org', 'do', 'it'], env);
      assert.equal(o.settings.approval, 'allowlist');
      assert.deepEqual(o.settings.allowedHosts, ['registry.npmjs.org', '*.pypi.org']);
      assert.deepEqual(o.settings.secretEnv, ['MY_CRED']);
      assert.equal(o.settings.apiKey, 'secret-value-123456');
      assert.equal(o.settings.allowNetwork, undefined);
      const y = parseRunArgs(['--workspace', ws.path, '--api-key-env', 'MY_CRED', '--allow-network', '--yes', 'x'], env);
      assert.equal(y.settings.allowNetwork, true);
      assert.equal(y.settings.approval, 'always');
    } finally {
      ws.cleanup();
    }
  });
});
