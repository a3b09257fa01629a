// `swarmcode run` flags for steps, concurrency, agent limits and the local model reach the
// server settings; bad values are usage errors (exit 2 in cli/run.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunArgs, UsageError } from '../../../cli/run';

describe('cli: run flags', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'swarmcode-runargs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = { MOONSHOT_API_KEY: 'k' };

  it('steps, concurrency, agent limits and --no-swarm become settings', () => {
    const o = parseRunArgs(['--workspace', dir, '--max-steps', '7', '--max-total-steps', '70', '--concurrency', '3', '--max-agents', '5', '--subagent-steps', '9', '--no-swarm', 'task'], env);
    assert.deepEqual(
      { maxSteps: o.settings.maxSteps, maxTotalSteps: o.settings.maxTotalSteps, concurrency: o.settings.concurrency, maxAgents: o.settings.maxAgents, subagentMaxSteps: o.settings.subagentMaxSteps, swarm: o.settings.swarm },
      { maxSteps: 7, maxTotalSteps: 70, concurrency: 3, maxAgents: 5, subagentMaxSteps: 9, swarm: false },
    );
    const plain = parseRunArgs(['--workspace', dir, 'task'], env);
    assert.equal(plain.settings.maxSteps, undefined);
    assert.equal(plain.settings.swarm, undefined);
  });

  it('--model-path selects the embedded engine with its context and parallel sequences', () => {
    const gguf = join(dir, 'm.gguf');
    writeFileSync(gguf, 'GGUF');
    const o = parseRunArgs(['--workspace', dir, '--model-path', gguf, '--local-context', '4096', '--local-parallel', '2', 'task'], {});
    assert.equal(o.settings.baseUrl, 'local');
    assert.equal(o.settings.localModelPath, gguf);
    assert.equal(o.settings.localContextSize, 4096);
    assert.equal(o.settings.localParallel, 2);
  });

  it('--shell: a name or an absolute path becomes the shell setting; a missing or relative one is a usage error', () => {
    assert.equal(parseRunArgs(['--workspace', dir, 'task'], env).settings.shell, undefined);
    assert.equal(parseRunArgs(['--workspace', dir, '--shell', ' sh ', 'task'], env).settings.shell, 'sh');
    assert.equal(parseRunArgs(['--workspace', dir, '--shell', process.execPath, 'task'], env).settings.shell, process.execPath);
    for (const bad of [join(dir, 'no-such-shell'), 'zsh', '', 'cmd\0rm']) {
      assert.throws(() => parseRunArgs(['--workspace', dir, '--shell', bad, 'task'], env), (e: Error) => e instanceof UsageError && e.message.startsWith('--shell: '), JSON.stringify(bad));
    }
  });

  it('a missing GGUF, zero, negative, fractional and non-numeric limits are usage errors', () => {
    assert.throws(() => parseRunArgs(['--workspace', dir, '--model-path', join(dir, 'nope.gguf'), 't'], {}), /nope\.gguf does not exist/);
    assert.throws(() => parseRunArgs(['--workspace', dir, '--model-path', '', 't'], {}), UsageError);
    for (const [flag, v] of [['--max-steps', '0'], ['--concurrency', '-2'], ['--max-agents', '1.5'], ['--local-context', 'lots'], ['--max-total-steps', '']]) {
      assert.throws(() => parseRunArgs(['--workspace', dir, flag, v, 't'], env), (e: Error) => e instanceof UsageError && e.message.includes(flag), `${flag} ${v}`);
    }
  });
});
