// Issue 12: a swarm refactor's failing tests are traced to the responsible shard from what real
// test runners print. `node --test` (Node's test runner, TAP/spec reporter) names the test file,
// not the source file; `python3 -m unittest` prints a traceback through the test module
// (docs.python.org/3/library/unittest.html, "Command-Line Interface"). Both used to mark no shard.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { responsibleShards, changedIdentifiers } from '../../../server/handlers/refactor-blame';
import { detectTestCommand } from '../../../server/handlers/refactor-tests';
import { tempDir } from '../../support/server';

function run(cwd: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return `${r.stdout}${r.stderr}`;
}

describe('refactor: failing tests → responsible shard', function () {
  this.timeout(60_000);
  let d: ReturnType<typeof tempDir>;
  beforeEach(() => (d = tempDir()));
  afterEach(() => d.cleanup());

  it('traces node --test output (it names only the test file) through the test\'s imports and the changed names', async () => {
    mkdirSync(join(d.path, 'src'));
    mkdirSync(join(d.path, 'test'));
    // The cart shard's change made checkout wrong; the assertion fails inside the test file only.
    writeFileSync(join(d.path, 'src/price.js'), 'exports.sum = (xs) => xs.reduce((a, b) => a + b, 0);\n');
    writeFileSync(join(d.path, 'src/cart.js'), "const { sum } = require('./price');\nexports.checkout = (xs) => sum(xs.slice(1));\n");
    writeFileSync(join(d.path, 'src/tax.js'), 'const internalRate = 0.2;\nexports.rate = internalRate;\n');
    writeFileSync(join(d.path, 'test/cart.test.js'), "const test = require('node:test');\nconst assert = require('node:assert');\nconst { checkout } = require('../src/cart');\nconst { rate } = require('../src/tax');\ntest('checkout', () => assert.equal(checkout([1, 2]) * (1 + rate), 3.6));\n");
    const output = run(d.path, process.execPath, ['--test', 'test/']);
    assert.match(output, /cart\.test\.js/);
    assert.doesNotMatch(output, /src\/cart\.js|price\.js/, 'the runner names the test, not the sources (else this test proves nothing)');
    const shards = [
      { id: 'price', files: ['src/price.js'], sites: 1 },
      { id: 'cart', files: ['src/cart.js'], sites: 1 },
      { id: 'tax', files: ['src/tax.js'], sites: 1 },
    ];
    const symbols = new Map([
      ['price', changedIdentifiers('exports.total = (xs) => 1;', 'exports.sum = (xs) => 1;')],
      ['cart', changedIdentifiers('exports.checkout = (xs) => sum(xs);', 'exports.checkout = (xs) => sum(xs.slice(1));')],
      ['tax', changedIdentifiers('const internalValue = 0.2;', 'const internalRate = 0.2;')],
    ]);
    // The test imports cart and tax; only cart's changed names (checkout) appear in it.
    assert.deepEqual((await responsibleShards(output, shards, d.path, symbols)).map((s) => s.id), ['cart']);
  });

  it('detects python3 -m unittest and traces its traceback to the shard', async () => {
    mkdirSync(join(d.path, 'shop'));
    writeFileSync(join(d.path, 'shop/__init__.py'), '');
    writeFileSync(join(d.path, 'shop/price.py'), 'def sum_of(xs):\n    return sum(xs)\n');
    writeFileSync(join(d.path, 'shop/other.py'), 'X = 1\n');
    writeFileSync(join(d.path, 'test_price.py'), 'import unittest\nfrom shop.price import total\n\nclass T(unittest.TestCase):\n    def test_total(self):\n        self.assertEqual(total([1, 2]), 3)\n');
    const cmd = await detectTestCommand(d.path);
    assert.equal(cmd, 'python3 -m unittest');
    const output = run(d.path, 'python3', ['-m', 'unittest']);
    assert.match(output, /ImportError|FAILED/);
    const shards = [
      { id: 'price', files: ['shop/price.py'], sites: 1 },
      { id: 'other', files: ['shop/other.py'], sites: 1 },
    ];
    const symbols = new Map([['price', changedIdentifiers('def total(xs):', 'def sum_of(xs):')]]);
    assert.deepEqual((await responsibleShards(output, shards, d.path, symbols)).map((s) => s.id), ['price']);
  });
});
