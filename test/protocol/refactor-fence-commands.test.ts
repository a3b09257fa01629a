// swarm/refactor fix round: a fix agent may change only its shard's files. Its edit tools are
// refused elsewhere (refactor-converge.test.ts); its run_command runs (in bubblewrap, the real
// sandbox) and whatever the command changed outside the fence is put back byte for byte, mode
// included, from the command journal's snapshot taken just before it; the tool result names the
// files. The command's change to its own files stays. Real python3 unittest run, real `sed -i`
// (GNU sed: -i edits in place by writing a new file and renaming it over, sed(1) "--in-place").
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ChangesRequest, RefactorRequest, RejectRequest } from '../../server/protocol';
import { routeByTask, type Turn } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';
import { writeTree } from '../support/files';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
const read = (path: string): Turn => ({ toolCalls: [{ name: 'read_file', arguments: { path } }] });
const edit = (path: string, old_string: string, new_string: string, replace_all = false) => ({ name: 'edit_file', arguments: { path, old_string, new_string, replace_all } });
const run = (command: string): Turn => ({ toolCalls: [{ name: 'run_command', arguments: { command } }] });

describe('protocol: a refactor fix agent\'s commands stay inside its fence', function () {
  this.timeout(90_000);
  const ctx = useSimServer();
  usePrivateJournalDir();

  it('sed -i on another shard\'s file (and a stray file, a chmod, a delete) is undone byte for byte; its own fix stays; the agent is told', async () => {
    const report = 'from pkg.geometry import area\n\n\ndef describe(w, h):\n    return f"area {area(w, h)}"\n';
    writeTree(ctx.ws.path, {
      'pkg/__init__.py': '',
      'pkg/geometry.py': 'def area(w, h):\r\n    return w * h\r\n',
      'pkg/report.py': report,
      'tests/__init__.py': '# tests\n',
      'tests/test_report.py': "import unittest\nfrom pkg.report import describe\n\n\nclass T(unittest.TestCase):\n    def test_describe(self):\n        self.assertEqual(describe(2, 3), 'area 6')\n",
    }, 0o644);
    const fixCommand =
      "sed -i 's/def surface/def area/' pkg/geometry.py && sed -i 's/import area/import surface/' pkg/report.py && echo stray > pkg/stray.py && chmod +x pkg/__init__.py && rm tests/__init__.py";
    const { sim, server } = await ctx.start({
      respond: routeByTask(
        [
          { toolCalls: [read('pkg/geometry.py').toolCalls![0], read('pkg/report.py').toolCalls![0]] },
          // The call is renamed, the import is not: ImportError when the test module loads.
          { toolCalls: [edit('pkg/geometry.py', 'def area', 'def surface'), edit('pkg/report.py', '{area(w, h)}', '{surface(w, h)}')] },
          { text: 'renamed' },
        ],
        { 'You own shard-2': [read('pkg/report.py'), run(fixCommand), { text: 'fixed the import' }] },
      ),
    }, { approval: 'always', swarm: false });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'rf-cmd', instruction: 'Rename area to surface', scope: { pattern: 'area', glob: 'pkg/*.py' } });
    assert.equal(res.status, 'done', res.error);
    assert.deepEqual(res.shards.map((s) => [s.files[0], s.outcome]), [['pkg/geometry.py', 'passed'], ['pkg/report.py', 'fixed']]);
    assert.deepEqual(res.shards[1].fixedFiles, ['pkg/report.py'], 'only its own file counts as its fix');

    // Another shard's file: the merged refactor's bytes (CRLF kept), not the command's and not the checkpoint's.
    assert.equal(readFileSync(join(ctx.ws.path, 'pkg/geometry.py'), 'utf8'), 'def surface(w, h):\r\n    return w * h\r\n');
    assert.ok(!existsSync(join(ctx.ws.path, 'pkg/stray.py')), 'a file the command created outside the fence is removed');
    assert.equal(statSync(join(ctx.ws.path, 'pkg/__init__.py')).mode & 0o777, 0o644, 'a mode change outside the fence is undone');
    assert.equal(readFileSync(join(ctx.ws.path, 'tests/__init__.py'), 'utf8'), '# tests\n', 'a file the command deleted outside the fence is back');
    assert.equal(readFileSync(join(ctx.ws.path, 'pkg/report.py'), 'utf8'), 'from pkg.geometry import surface\n\n\ndef describe(w, h):\n    return f"area {surface(w, h)}"\n', 'its own change stays');

    const results = sim.requests.flatMap((r) => r.body.messages).filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content));
    const told = results.find((c) => c.includes('put back as they were before this command'));
    assert.ok(told, 'the command\'s result says what was put back');
    const listed = /byte for byte: (.*?)\. This task may change only its own files \(pkg\/report\.py\)/.exec(told)?.[1];
    assert.deepEqual(listed?.split(', ').sort(), ['pkg/__init__.py', 'pkg/geometry.py', 'pkg/stray.py', 'tests/__init__.py'], told);

    // Review lists only what the run changed: the put-back files are not in it as the command's.
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: 'rf-cmd', withContent: false });
    assert.deepEqual(changes.files.filter((f) => f.change !== 'unchanged').map((f) => f.path).sort(), ['pkg/geometry.py', 'pkg/report.py']);
    await server.connection.sendRequest(RejectRequest, { runId: 'rf-cmd' });
    assert.equal(readFileSync(join(ctx.ws.path, 'pkg/geometry.py'), 'utf8'), 'def area(w, h):\r\n    return w * h\r\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'pkg/report.py'), 'utf8'), report);
  });

  it('git workspace (shards in worktrees, the fix round in the workspace): sed -i on another shard\'s file is put back; its own fix stays', async () => {
    writeTree(ctx.ws.path, {
      'package.json': JSON.stringify({ name: 'p', private: true, scripts: { test: 'node --test test/' } }),
      'lib/m.js': 'function sum(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\nmodule.exports = { sum };\n',
      'src/report.js': "const { sum } = require('../lib/m');\nfunction report(xs) {\n  return 'total ' + sum(xs);\n}\nmodule.exports = { report };\n",
      'test/report.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { report } = require('../src/report');\ntest('report', () => assert.equal(report([1, 2]), 'total 3'));\n",
    }, 0o644);
    git(ctx.ws.path, 'init', '-q');
    git(ctx.ws.path, 'add', '.');
    git(ctx.ws.path, 'commit', '-qm', 'init');
    const main: Turn[] = [
      { toolCalls: [{ name: 'create_subagent', arguments: { name: 'renamer', system_prompt: 'Rename in your files only.' } }] },
      { toolCalls: ['shard-1: lib/m.js', 'shard-2: src/report.js'].map((task) => ({ name: 'assign_task', arguments: { agent: 'renamer', task } })) },
      { text: 'renamed' },
    ];
    const { sim, server } = await ctx.start({
      respond: routeByTask(main, {
        'shard-1: lib/m.js': [read('lib/m.js'), { toolCalls: [edit('lib/m.js', 'sum', 'total', true)] }, { text: 'renamed' }],
        'shard-2: src/report.js': [read('src/report.js'), { toolCalls: [edit('src/report.js', 'const { sum }', 'const { total }')] }, { text: 'renamed' }],
        // The fix: its own call site, and (not its file) the other shard's export put back under the old name.
        'You own shard-2: src/report.js. Fix round 1': [read('src/report.js'), run("sed -i 's/ sum(xs)/ total(xs)/' src/report.js && sed -i 's/{ total }/{ total, sum: total }/' lib/m.js"), { text: 'fixed' }],
      }),
    }, { approval: 'always' });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'rf-wt', instruction: 'Rename sum to total', scope: { pattern: 'sum', glob: '{lib,src}/*.js' } });
    assert.equal(res.status, 'done', res.error);
    assert.equal(readFileSync(join(ctx.ws.path, 'lib/m.js'), 'utf8'), 'function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\nmodule.exports = { total };\n', 'the other shard\'s file is as its shard left it');
    assert.match(readFileSync(join(ctx.ws.path, 'src/report.js'), 'utf8'), /'total ' \+ total\(xs\)/, 'its own fix is merged');
    const told = sim.requests.flatMap((r) => r.body.messages).filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content)).find((c) => c.includes('put back'));
    assert.match(told ?? '', /put back as they were before this command, byte for byte: lib\/m\.js\. This task may change only its own files \(src\/report\.js\)/);
    assert.deepEqual(res.shards.map((s) => [s.id, s.outcome]), [['shard-1', 'passed'], ['shard-2', 'fixed']]);
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: 'rf-wt', withContent: false });
    assert.deepEqual(changes.files.map((f) => f.path).sort(), ['lib/m.js', 'src/report.js']);
  });
});
