// swarm/refactor that converges (issue 12): the server runs the project's tests on the merged
// result, traces each failing test to the shard responsible (stack frames, imports, names, and
// bisection of the shards' changes where those are ambiguous), gives that shard a fix sub-agent
// limited to its files, and runs the tests again. Real projects in temp dirs, real test runners
// (`node --test`, `python3 -m unittest`) run in the sandbox, the spawned server against the HTTP
// simulator. Output formats: node's TAP reporter (nodejs.org/api/test.html#test-reporters: a
// failing test is `not ok N - name` with `location:` and `stack:` in its YAML block) and
// unittest's `ERROR: name (module.Class.name)` blocks with `File "…", line N` frames
// (docs.python.org/3/library/unittest.html#command-line-interface).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangesRequest, RefactorRequest, RejectRequest } from '../../server/protocol';
import { routeByTask, type Turn } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';
import { writeTree } from '../support/files';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
const read = (path: string): Turn => ({ toolCalls: [{ name: 'read_file', arguments: { path } }] });
const edit = (path: string, old_string: string, new_string: string, replace_all = false): Turn => ({ toolCalls: [{ name: 'edit_file', arguments: { path, old_string, new_string, replace_all } }] });

describe('protocol: swarm/refactor converges', function () {
  this.timeout(90_000);
  const ctx = useSimServer();
  usePrivateJournalDir();

  it('node --test, worktrees: a cross-file rename fails on one shard after the merge, that shard alone fixes it', async () => {
    writeTree(ctx.ws.path, {
      'package.json': JSON.stringify({ name: 'p', private: true, scripts: { test: 'node --test test/' } }),
      'lib/m.js': 'function sum(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\nmodule.exports = { sum };\n',
      'src/cli.js': "const { sum } = require('../lib/m');\nfunction line(xs) {\n  return xs.join('+') + '=' + sum(xs);\n}\nmodule.exports = { line };\n",
      'src/report.js': "const { sum } = require('../lib/m');\nfunction report(xs) {\n  return 'total ' + sum(xs);\n}\nmodule.exports = { report };\n",
      'test/cli.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { line } = require('../src/cli');\ntest('line', () => assert.equal(line([1, 2]), '1+2=3'));\n",
      'test/report.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { report } = require('../src/report');\ntest('report', () => assert.equal(report([1, 2]), 'total 3'));\n",
    });
    git(ctx.ws.path, 'init', '-q');
    git(ctx.ws.path, 'add', '.');
    git(ctx.ws.path, 'commit', '-qm', 'init');
    const branches = git(ctx.ws.path, 'branch', '--list');
    const main: Turn[] = [
      { toolCalls: [{ name: 'create_subagent', arguments: { name: 'renamer', system_prompt: 'Rename in your files only.' } }] },
      { toolCalls: ['shard-1: lib/m.js', 'shard-2: src/cli.js', 'shard-3: src/report.js'].map((task) => ({ name: 'assign_task', arguments: { agent: 'renamer', task } })) },
      { text: 'all three shards renamed sum to total' },
    ];
    const { sim, server } = await ctx.start({
      respond: routeByTask(main, {
        'shard-1: lib/m.js': [read('lib/m.js'), edit('lib/m.js', 'sum', 'total', true), { text: 'renamed' }],
        'shard-2: src/cli.js': [read('src/cli.js'), edit('src/cli.js', 'sum', 'total', true), { text: 'renamed' }],
        // The faulty shard: the import is renamed, the call is not. Its worktree alone could never pass.
        'shard-3: src/report.js': [read('src/report.js'), edit('src/report.js', 'const { sum }', 'const { total }'), { text: 'renamed' }],
        'You own shard-3: src/report.js. Fix round 1': [read('src/report.js'), edit('src/report.js', 'sum(xs)', 'total(xs)'), { text: 'fixed the call' }],
      }),
    }, { approval: 'always' });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'rc-node', instruction: 'Rename sum to total', scope: { pattern: 'sum' }, worktrees: true });
    assert.equal(res.status, 'done', res.error);
    assert.deepEqual(res.shards.map((s) => [s.id, s.files[0]]), [['shard-1', 'lib/m.js'], ['shard-2', 'src/cli.js'], ['shard-3', 'src/report.js']]);
    assert.ok(res.rounds, 'the server ran the tests itself');
    assert.equal(res.rounds.length, 2, JSON.stringify(res.rounds, null, 1) + JSON.stringify(res.shards));
    assert.equal(res.rounds[0].passed, false);
    assert.deepEqual(res.rounds[0].failingTests, ['test/report.test.js'], 'only the failing test file, not the passing one');
    assert.deepEqual(res.rounds[0].blamed, [{ shard: 'shard-3', how: 'named', tests: ['test/report.test.js'] }]);
    assert.equal(res.rounds[1].passed, true);
    assert.equal(res.tests?.passed, true);
    assert.equal(res.tests?.command, 'npm test');
    assert.deepEqual(res.shards.map((s) => [s.id, s.outcome, s.fixRounds ?? 0]), [['shard-1', 'passed', 0], ['shard-2', 'passed', 0], ['shard-3', 'fixed', 1]]);
    assert.deepEqual(res.shards[2].fixedFiles, ['src/report.js']);
    assert.equal(readFileSync(join(ctx.ws.path, 'src/report.js'), 'utf8'), "const { total } = require('../lib/m');\nfunction report(xs) {\n  return 'total ' + total(xs);\n}\nmodule.exports = { report };\n");
    // The fix agent got the failing output of the merged result and the fence of its files.
    const fixTask = sim.requests.map((r) => JSON.stringify(r.body.messages)).find((m) => m.includes('You own shard-3'));
    assert.ok(fixTask);
    assert.match(fixTask, /sum is not defined/);
    assert.match(fixTask, /editing only src\/report.js/);
    // The orchestrator was told not to run tests per shard; the user's refs are untouched.
    assert.match(JSON.stringify(sim.requests[0].body.messages), /server runs `npm test` on the merged result/);
    assert.equal(git(ctx.ws.path, 'branch', '--list'), branches);
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: 'rc-node', withContent: false });
    assert.deepEqual(changes.files.map((f) => f.path).sort(), ['lib/m.js', 'src/cli.js', 'src/report.js']);
  });

  it('python3 -m unittest: detected, the import error traced through the traceback to its shard, fixed; the fix agent cannot write other shards', async () => {
    writeTree(ctx.ws.path, {
      'pkg/__init__.py': '',
      'pkg/geometry.py': 'def area(w, h):\n    return w * h\n',
      'pkg/report.py': 'from pkg.geometry import area\n\n\ndef describe(w, h):\n    return f"area {area(w, h)}"\n',
      'tests/__init__.py': '',
      'tests/test_report.py': "import unittest\nfrom pkg.report import describe\n\n\nclass T(unittest.TestCase):\n    def test_describe(self):\n        self.assertEqual(describe(2, 3), 'area 6')\n",
    });
    const { sim, server } = await ctx.start({
      respond: routeByTask(
        [
          { toolCalls: [read('pkg/geometry.py').toolCalls![0], read('pkg/report.py').toolCalls![0]] },
          // The call is renamed, the import is not: ImportError when the test module loads.
          { toolCalls: [edit('pkg/geometry.py', 'def area', 'def surface').toolCalls![0], edit('pkg/report.py', '{area(w, h)}', '{surface(w, h)}').toolCalls![0]] },
          { text: 'renamed' },
        ],
        {
          // First tries the other shard's file (refused), then fixes its own.
          'You own shard-2': [read('pkg/report.py'), edit('pkg/geometry.py', 'def surface', 'def area'), edit('pkg/report.py', 'import area', 'import surface'), { text: 'fixed the import' }],
        },
      ),
    }, { approval: 'always', swarm: false });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'rc-py', instruction: 'Rename area to surface', scope: { pattern: 'area', glob: 'pkg/*.py' } });
    assert.equal(res.status, 'done', res.error);
    assert.equal(res.tests?.command, 'python3 -m unittest discover -s tests -t .');
    assert.ok(res.rounds);
    assert.deepEqual(res.rounds[0].failingTests, ['tests/test_report.py']);
    assert.deepEqual(res.rounds[0].blamed, [{ shard: 'shard-2', how: 'named', tests: ['tests/test_report.py'] }]);
    assert.deepEqual(res.rounds.map((r) => r.passed), [false, true]);
    assert.deepEqual(res.shards.map((s) => [s.files[0], s.outcome]), [['pkg/geometry.py', 'passed'], ['pkg/report.py', 'fixed']]);
    assert.equal(readFileSync(join(ctx.ws.path, 'pkg/geometry.py'), 'utf8'), 'def surface(w, h):\n    return w * h\n', 'the fence kept the fix agent out of shard-1');
    const refused = sim.requests.flatMap((r) => r.body.messages).find((m) => m.role === 'tool' && JSON.stringify(m.content).includes('Refused to write pkg/geometry.py'));
    assert.ok(refused, 'the fix agent was told why its write to another shard was refused');
    // Reject undoes the refactor and the fix alike.
    await server.connection.sendRequest(RejectRequest, { runId: 'rc-py' });
    assert.equal(readFileSync(join(ctx.ws.path, 'pkg/report.py'), 'utf8'), 'from pkg.geometry import area\n\n\ndef describe(w, h):\n    return f"area {area(w, h)}"\n');
  });

  it('bisects when the failing test reaches two shards alike, and gives the fix to the one whose change breaks it', async () => {
    writeTree(ctx.ws.path, {
      'package.json': JSON.stringify({ name: 'p', private: true, scripts: { test: 'node --test test/' } }),
      'lib/area.js': 'exports.area = (w, h) => w * h;\n',
      'lib/perim.js': 'exports.perimeter = (w, h) => 2 * (w + h);\n',
      // Contained: a write outside the workspace must not reach the real file system.
      'test/shapes.test.js': `try { require('node:fs').writeFileSync(${JSON.stringify(`${ctx.ws.path}-escaped`)}, 'x'); } catch {}\nconst test = require('node:test');\nconst assert = require('node:assert');\nconst { area } = require('../lib/area');\nconst { perimeter } = require('../lib/perim');\ntest('shapes', () => {\n  assert.equal(area(2, 3), 6);\n  assert.equal(perimeter(2, 3), 10);\n});\n`,
    });
    const { server } = await ctx.start({
      respond: routeByTask(
        [
          { toolCalls: [read('lib/area.js').toolCalls![0], read('lib/perim.js').toolCalls![0]] },
          // Both rename the parameters; perim.js gets it wrong. The assertion fails in the test file,
          // which imports both shards and names both shards' changed functions.
          { toolCalls: [edit('lib/area.js', '(w, h) => w * h', '(width, height) => width * height').toolCalls![0], edit('lib/perim.js', '(w, h) => 2 * (w + h)', '(width, height) => 2 * (width + width)').toolCalls![0]] },
          { text: 'renamed' },
        ],
        { 'You own shard-2': [read('lib/perim.js'), edit('lib/perim.js', '(width + width)', '(width + height)'), { text: 'fixed' }] },
      ),
    }, { approval: 'always', swarm: false });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'rc-bisect', instruction: 'Name the parameters width and height', scope: { glob: 'lib/*.js' } });
    assert.equal(res.status, 'done', res.error);
    assert.ok(res.rounds);
    assert.deepEqual(res.rounds[0].failingTests, ['test/shapes.test.js']);
    assert.deepEqual(res.rounds[0].blamed, [{ shard: 'shard-2', how: 'bisect', tests: ['test/shapes.test.js'] }]);
    // (Every shard reverted passes: checked once for pre-existing failures.) shard-1 reverted: fails; shard-2 reverted: passes.
    assert.equal(res.rounds[0].bisectRuns, 2);
    assert.equal(res.rounds[0].preexisting, undefined);
    assert.deepEqual(res.rounds.map((r) => r.passed), [false, true]);
    assert.deepEqual(res.shards.map((s) => [s.files[0], s.outcome]), [['lib/area.js', 'passed'], ['lib/perim.js', 'fixed']]);
    assert.equal(readFileSync(join(ctx.ws.path, 'lib/perim.js'), 'utf8'), 'exports.perimeter = (width, height) => 2 * (width + height);\n');
    assert.ok(!existsSync(`${ctx.ws.path}-escaped`), 'the tests ran in the sandbox');
  });

  it('stops after fixRounds and reports the shard still failing', async () => {
    writeTree(ctx.ws.path, {
      'package.json': JSON.stringify({ name: 'p', private: true, scripts: { test: 'node --test test/' } }),
      'lib/a.js': 'exports.one = () => 1;\n',
      'test/a.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { one } = require('../lib/a');\ntest('one', () => assert.equal(one(), 1));\n",
    });
    const { server } = await ctx.start({
      respond: routeByTask([read('lib/a.js'), edit('lib/a.js', '=> 1', '=> 2'), { text: 'done' }], { 'You own shard-1': [{ text: 'I cannot see the problem' }] }),
    }, { approval: 'always', swarm: false });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'rc-stuck', instruction: 'Change one', scope: { glob: 'lib/*.js' }, fixRounds: 1 });
    assert.equal(res.status, 'done', res.error);
    assert.deepEqual(res.rounds?.map((r) => r.passed), [false, false]);
    assert.deepEqual(res.shards.map((s) => [s.outcome, s.fixRounds, s.failing]), [['failing', 1, true]]);
  });

  it('leaves out a test that failed before the refactor: no shard is blamed for it, no fix round starts', async () => {
    writeTree(ctx.ws.path, {
      'package.json': JSON.stringify({ name: 'p', private: true, scripts: { test: 'node --test test/' } }),
      'lib/a.js': 'exports.one = () => 1;\n',
      'test/a.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { one } = require('../lib/a');\ntest('one', () => assert.equal(one(), 1));\n",
      // Broken before the refactor, and it imports the shard's file.
      'test/old.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { one } = require('../lib/a');\ntest('old', () => assert.equal(one() + 1, 3));\n",
    });
    const { sim, server } = await ctx.start({ respond: routeByTask([read('lib/a.js'), edit('lib/a.js', '=> 1', '=> 0 + 1'), { text: 'done' }], { 'You own shard-1': [{ text: 'should not run' }] }) }, { approval: 'always', swarm: false });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'rc-old', instruction: 'Spell one as 0 + 1', scope: { glob: 'lib/*.js' } });
    assert.equal(res.status, 'done', res.error);
    assert.equal(res.rounds?.length, 1);
    assert.deepEqual(res.rounds[0].failingTests, ['test/old.test.js']);
    assert.deepEqual(res.rounds[0].preexisting, ['test/old.test.js']);
    assert.deepEqual(res.rounds[0].blamed, []);
    assert.deepEqual(res.shards.map((s) => [s.outcome, s.failing]), [['passed', undefined]]);
    assert.ok(!sim.requests.some((r) => JSON.stringify(r.body.messages).includes('You own shard-1')), 'no fix agent started');
  });
});
