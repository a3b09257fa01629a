// `swarmcode doctor` on the embedded engine runs a real first turn (the system prompt and tools a
// run sends) against the tiny Kimi-architecture GGUF, and `run` takes the local flags. Found in
// issue 10: the default prompt did not fit the default 8,192-token context while doctor reported
// everything fine on the same file.
import assert from 'node:assert/strict';
import { formatChecks, runDoctor } from '../../../cli/doctor';
import { parseRunArgs, UsageError } from '../../../cli/run';
import { ensureTestGguf } from '../../../scripts/make-test-gguf';

describe('swarmcode doctor / run on the embedded engine (tiny GGUF)', function () {
  this.timeout(300_000);
  let modelPath: string;
  before(() => {
    modelPath = ensureTestGguf('tiny');
  });

  it('fails the first turn when the run prompt does not fit the context, and says how to raise it', async () => {
    const checks = await runDoctor({ baseUrl: 'local', localModelPath: modelPath, contextSize: 2048, env: {} });
    const turn = checks.find((c) => c.name === 'first turn');
    assert.equal(turn?.status, 'fail', formatChecks(checks));
    assert.match(turn?.detail ?? '', /does not fit the local context \(2048 tokens/);
    assert.match(turn?.fix ?? '', /--context-size/);
  });

  it('passes with the default context: the default prompt fits, with its size in the report', async () => {
    const checks = await runDoctor({ baseUrl: 'local', localModelPath: modelPath, env: {} });
    const turn = checks.find((c) => c.name === 'first turn');
    assert.equal(turn?.status, 'ok', formatChecks(checks));
    const m = /^(\d+) prompt tokens \(system prompt \+ \d+ tools\).* × (\d+) tokens/.exec(turn?.detail ?? '');
    assert.ok(m, turn?.detail);
    assert.ok(Number(m[1]) > 2000 && Number(m[1]) < Number(m[2]), `prompt ${m[1]} within context ${m[2]}`);
    assert.match(turn?.detail ?? '', /typescript tool declarations/);
  });

  it('run: --model-path selects the embedded engine even with a Moonshot key; --context-size is checked', () => {
    const env = { MOONSHOT_API_KEY: 'sk-test-123456' };
    const o = parseRunArgs(['--model-path', modelPath, '--context-size', '20000', 'do it'], env);
    assert.equal(o.settings.baseUrl, 'local');
    assert.equal(o.settings.localModelPath, modelPath);
    assert.equal(o.settings.localContextSize, 20000);
    for (const bad of ['abc', '100', '-5', '1e9', '8192.5', '']) {
      assert.throws(() => parseRunArgs(['--model-path', modelPath, '--context-size', bad, 'x'], env), UsageError, bad);
    }
    assert.throws(() => parseRunArgs(['--context-size', '20000', 'x'], env), /embedded engine/);
    assert.throws(() => parseRunArgs(['--model-path', '/nonexistent/model.gguf', 'x'], env), /does not exist/);
  });
});
