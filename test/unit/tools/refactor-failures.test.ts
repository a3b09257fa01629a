// Issue 12: the failing test files of a run, read from what real runners print, and only those
// (a passing test's file must not send its imports' shards a fix). Formats: node's TAP reporter
// (nodejs.org/api/test.html#test-reporters), mocha's spec reporter ("N failing", numbered blocks
// with stacks: mochajs.org/#reporters), pytest's short test summary ("FAILED path::test",
// docs.pytest.org/en/stable/how-to/output.html), unittest's "FAIL: name (module.Class.name)"
// blocks (docs.python.org/3/library/unittest.html).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { failingTests, frameFiles } from '../../../server/handlers/refactor-failures';
import { tempDir } from '../../support/server';
import { writeTree } from '../../support/files';

const MOCHA = resolve(__dirname, '../../../node_modules/mocha/bin/mocha.js');

function run(cwd: string, cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return `${r.stdout}${r.stderr}`;
}

describe('refactor: failing tests from runner output', function () {
  this.timeout(60_000);
  let d: ReturnType<typeof tempDir>;
  beforeEach(() => {
    d = tempDir();
    writeTree(d.path, { 'lib/m.js': 'exports.total = (xs) => xs.reduce((a, b) => a + b, 0);\nexports.bad = () => { throw new Error("boom in lib"); };\n' });
  });
  afterEach(() => d.cleanup());

  it('node --test (TAP): the failing file with its stack, not the passing one', async () => {
    writeTree(d.path, {
      'test/ok.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst m = require('../lib/m');\ntest('ok', () => assert.equal(m.total([1]), 1));\n",
      'test/bad.test.js': "const test = require('node:test');\nconst m = require('../lib/m');\ntest('bad', () => m.bad());\n",
    });
    const out = run(d.path, process.execPath, ['--test', 'test/']);
    const f = await failingTests(out, d.path);
    assert.deepEqual(f.map((t) => t.file), ['test/bad.test.js']);
    assert.match(f[0].block, /boom in lib/);
    assert.deepEqual(await frameFiles(f[0].block, d.path), ['lib/m.js', 'test/bad.test.js'], 'innermost frame first');
  });

  it('mocha: the failing file from the stack after "N failing"', async () => {
    writeTree(d.path, {
      'test/ok.spec.js': "const assert = require('node:assert');\nit('ok', () => assert.equal(1, 1));\n",
      'test/bad.spec.js': "const m = require('../lib/m');\nit('bad', () => m.bad());\n",
    });
    const out = run(d.path, process.execPath, [MOCHA, 'test/*.spec.js']);
    assert.match(out, /1 failing/);
    assert.deepEqual((await failingTests(out, d.path)).map((t) => t.file), ['test/bad.spec.js']);
  });

  it('pytest: FAILED lines of the short summary, with the test\'s section', async function () {
    if (!/pytest/.test(run(d.path, 'python3', ['-m', 'pytest', '--version']))) this.skip();
    writeTree(d.path, {
      'pkg/__init__.py': '',
      'pkg/calc.py': 'def twice(x):\n    return x * 3\n',
      'tests/test_ok.py': 'def test_ok():\n    assert 1 == 1\n',
      'tests/test_calc.py': 'from pkg.calc import twice\n\n\ndef test_twice():\n    assert twice(2) == 4\n',
    });
    const out = run(d.path, 'python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--rootdir', '.', 'tests']);
    const f = await failingTests(out, d.path);
    assert.deepEqual(f.map((t) => t.file), ['tests/test_calc.py']);
    assert.match(f[0].block, /assert 6 == 4/);
  });

  it('python3 -m unittest: FAIL and import ERROR blocks to their modules', async () => {
    writeTree(d.path, {
      'calc.py': 'def twice(x):\n    return x * 3\n',
      'test_calc.py': 'import unittest\nfrom calc import twice\n\n\nclass T(unittest.TestCase):\n    def test_twice(self):\n        self.assertEqual(twice(2), 4)\n',
      'test_gone.py': 'import unittest\nfrom calc import halve\n',
      'test_ok.py': 'import unittest\n\n\nclass T(unittest.TestCase):\n    def test_ok(self):\n        self.assertTrue(True)\n',
    });
    const out = run(d.path, 'python3', ['-m', 'unittest']);
    const f = await failingTests(out, d.path);
    assert.deepEqual(f.map((t) => t.file).sort(), ['test_calc.py', 'test_gone.py']);
    assert.match(f.find((t) => t.file === 'test_gone.py')!.block, /cannot import name 'halve'/);
  });

  it('hostile output: paths outside the workspace, huge lines and unknown formats name nothing', async () => {
    const out = `not ok 1 - /etc/passwd\n  location: '/etc/passwd:1:1'\nFAILED ../../escape.py::t\nFAIL: x (${'a.'.repeat(5000)}b)\n${'x'.repeat(200_000)}\n`;
    assert.deepEqual(await failingTests(out, d.path), []);
  });
});
