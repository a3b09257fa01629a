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
});
