import assert from 'node:assert/strict';
import type { RefactorResult } from '../../../../server/protocol';
import { buildScope, describeScope, summarizeRefactor } from '../../../../src/refactor/scope';

describe('src/refactor/scope', () => {
  it('builds the scope from the answers, none for the whole workspace', () => {
    assert.deepEqual(buildScope({}), {});
    assert.deepEqual(buildScope({ glob: '  ', pattern: '' }), {});
    assert.deepEqual(buildScope({ glob: ' src/**/*.ts ' }), { scope: { glob: 'src/**/*.ts' } });
    assert.deepEqual(buildScope({ pattern: 'fetchUser(', glob: 'src/**' }), { scope: { glob: 'src/**', pattern: 'fetchUser(' } });
    assert.deepEqual(buildScope({ pattern: '\\bfoo\\(', regex: true }), { scope: { pattern: '\\bfoo\\(', regex: true } });
    assert.match(buildScope({ pattern: 'foo(', regex: true }).error ?? '', /Not a valid regular expression/);
    assert.equal(describeScope(undefined), 'the whole workspace');
    assert.equal(describeScope({ pattern: 'x', regex: true, glob: '*.ts' }), 'regex "x" in *.ts');
  });

  it('summarizes a refactor result with failing shards and tests', () => {
    const r: RefactorResult = {
      runId: 'r',
      status: 'done',
      text: 'Renamed.',
      summary: { wallMs: 1, steps: 1, toolCalls: 1, tokens: { input: 0, cachedInput: 0, output: 0 } },
      shards: [
        { id: 's1', files: ['a.ts'], sites: 2 },
        { id: 's2', files: ['b.ts', 'c.ts'], sites: 3, failing: true },
      ],
      tests: { command: 'npm test', passed: false, exitCode: 1, output: 'b.ts failed' },
      changedFiles: ['a.ts', 'b.ts'],
    };
    const { line, details } = summarizeRefactor(r);
    assert.equal(line, 'Refactor finished: 2 files changed in 2 shards (5 sites). Tests FAILED (npm test, exit 1).');
    assert.ok(details.some((d) => d.includes('shard s2') && d.includes('FAILING')));
    assert.ok(details.some((d) => d.includes('b.ts failed')));
    assert.match(summarizeRefactor({ ...r, status: 'failed', error: 'boom', tests: undefined }).line, /^Refactor failed: boom \(2 files changed\)\.$/);
    assert.match(summarizeRefactor({ ...r, status: 'cancelled', tests: undefined, changedFiles: [] }).line, /^Refactor cancelled; 0 files changed/);
  });

  it('lists the test rounds and the shards their fix rounds fixed', () => {
    const r: RefactorResult = {
      runId: 'r',
      status: 'done',
      text: '',
      summary: { wallMs: 1, steps: 1, toolCalls: 1, tokens: { input: 0, cachedInput: 0, output: 0 } },
      shards: [{ id: 's1', files: ['a.ts'], sites: 1, outcome: 'fixed', fixRounds: 1 }],
      tests: { command: 'npm test', passed: true, exitCode: 0, output: '' },
      rounds: [
        { round: 0, passed: false, exitCode: 1, failingTests: ['test/a.test.js'], blamed: [{ shard: 's1', how: 'bisect', tests: ['test/a.test.js'] }], unattributed: [], bisectRuns: 3 },
        { round: 1, passed: true, exitCode: 0, failingTests: [], blamed: [], unattributed: [] },
      ],
      changedFiles: ['a.ts'],
    };
    const { details } = summarizeRefactor(r);
    assert.ok(details.includes('  shard s1: 1 file(s), 1 site(s) — fixed in 1 round(s): a.ts'));
    assert.ok(details.includes('  tests, round 0: failed (test/a.test.js); s1 by bisect, 3 bisection run(s)'));
    assert.ok(details.includes('  tests, round 1: passed'));
  });
});
