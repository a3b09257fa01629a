// swarm/refactor in a multi-root workspace (LSP `workspaceFolders`, every folder a root; tool
// paths `folder/…`): a cross-file rename whose sites span both roots, sharded per file, done by
// parallel sub-agents; the server runs the tests on the merged result (in the folder of links,
// both roots writable in the sandbox), traces the failing test through its stack to the shard in
// the second root, and that shard's fix agent, fenced to its `web/…` file, searches the whole
// workspace and fixes it. Output format: node's TAP reporter (nodejs.org/api/test.html#test-reporters:
// a failing test is `not ok N - name` with `location:` and `stack:` in its YAML block; the paths
// there are the files' real paths, not the links').
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangesRequest, RefactorRequest, RejectRequest } from '../../server/protocol';
import { contentText, routeByTask, type SimMessage, type Turn } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';
import { writeTree } from '../support/files';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
const call = (name: string, args: Record<string, unknown>): Turn => ({ toolCalls: [{ name, arguments: args }] });
const toolResults = (messages: SimMessage[]) => messages.filter((m) => m.role === 'tool').map((m) => contentText(m.content));
const read = (path: string) => call('read_file', { path });
const edit = (path: string, old_string: string, new_string: string, replace_all = false) => call('edit_file', { path, old_string, new_string, replace_all });

describe('protocol: swarm/refactor over two roots', function () {
  this.timeout(120_000);
  usePrivateJournalDir();
  const ctx = useSimServer({ settings: { approval: 'always' } });

  it('a rename spanning both roots: tests on the merged result, the failure blamed on the second root\'s shard, its fix agent edits web/…', async () => {
    const api = join(ctx.ws.path, 'api');
    const web = join(ctx.ws.path, 'web');
    writeTree(api, {
      'lib/m.js': 'function sum(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\nmodule.exports = { sum };\n',
      'src/cli.js': "const { sum } = require('../lib/m');\nfunction line(xs) {\n  return xs.join('+') + '=' + sum(xs);\n}\nmodule.exports = { line };\n",
      'test/cli.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { line } = require('../src/cli');\ntest('line', () => assert.equal(line([1, 2]), '1+2=3'));\n",
    });
    writeTree(web, {
      // The second root uses the first one's module (siblings on disk, as in the folder of links).
      'src/report.js': "const { sum } = require('../../api/lib/m');\nfunction report(xs) {\n  return 'total ' + sum(xs);\n}\nmodule.exports = { report };\n",
      'test/report.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst { report } = require('../src/report');\ntest('report', () => assert.equal(report([1, 2]), 'total 3'));\n",
      'src/AGENTS.md': 'WEB-SRC-RULE: keep CommonJS here\n',
    });
    // Each root is its own repository (the git tool runs in the folder a path is in).
    for (const d of [api, web]) {
      git(d, 'init', '-q');
      git(d, 'add', '.');
      git(d, 'commit', '-qm', 'init');
    }
    const reportBefore = readFileSync(join(web, 'src/report.js'), 'utf8');
    const main: Turn[] = [
      call('create_subagent', { name: 'renamer', system_prompt: 'Rename in your files only.' }),
      { toolCalls: ['shard-1: api/lib/m.js', 'shard-2: api/src/cli.js', 'shard-3: web/src/report.js'].map((task) => ({ name: 'assign_task', arguments: { agent: 'renamer', task } })) },
      { text: 'all three shards renamed sum to total' },
    ];
    const sim = await ctx.startSim({
      respond: routeByTask(main, {
        'shard-1: api/lib/m.js': [read('api/lib/m.js'), edit('api/lib/m.js', 'sum', 'total', true), { text: 'renamed' }],
        'shard-2: api/src/cli.js': [read('api/src/cli.js'), edit('api/src/cli.js', 'sum', 'total', true), { text: 'renamed' }],
        // The faulty shard, in the second root: the import is renamed, the call is not.
        'shard-3: web/src/report.js': [read('web/src/report.js'), edit('web/src/report.js', 'const { sum }', 'const { total }'), { text: 'renamed' }],
        // Looks at its root's diff (with web/src's own rules), searches the whole workspace (both
        // roots), is refused another shard's file, fixes its own.
        'You own shard-3: web/src/report.js. Fix round 1': [
          call('git', { action: 'diff', path: 'web/src/report.js' }),
          call('grep', { pattern: 'module.exports' }),
          edit('api/lib/m.js', 'function total', 'function sum'),
          edit('web/src/report.js', 'sum(xs)', 'total(xs)'),
          { text: 'fixed the call' },
        ],
      }),
    });
    const server = await ctx.startServer({}, { workspace: [api, web] });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'mr-refactor', instruction: 'Rename sum to total', scope: { pattern: 'sum' }, testCommand: 'node --test api/test/ web/test/' });
    assert.equal(res.status, 'done', res.error);
    assert.deepEqual(res.shards.map((s) => [s.id, s.files]), [['shard-1', ['api/lib/m.js']], ['shard-2', ['api/src/cli.js']], ['shard-3', ['web/src/report.js']]]);
    assert.ok(res.rounds, 'the server ran the tests');
    assert.equal(res.rounds.length, 2, JSON.stringify(res.rounds, null, 1));
    assert.equal(res.rounds[0].passed, false);
    assert.deepEqual(res.rounds[0].failingTests, ['web/test/report.test.js'], 'the failing test, by its folder-prefixed path');
    assert.equal(res.rounds[0].preexisting, undefined, 'it passed before the refactor');
    assert.deepEqual(res.rounds[0].blamed.map((b) => [b.shard, b.tests]), [['shard-3', ['web/test/report.test.js']]]);
    assert.equal(res.rounds[1].passed, true, res.tests?.output);
    assert.deepEqual(res.shards.map((s) => [s.id, s.outcome, s.fixRounds ?? 0]), [['shard-1', 'passed', 0], ['shard-2', 'passed', 0], ['shard-3', 'fixed', 1]]);
    assert.deepEqual(res.shards[2].fixedFiles, ['web/src/report.js']);

    // The merged result on disk: both roots renamed, the fix in the second root, the fence held in the first.
    assert.equal(readFileSync(join(api, 'lib/m.js'), 'utf8'), 'function total(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\nmodule.exports = { total };\n');
    assert.equal(readFileSync(join(web, 'src/report.js'), 'utf8'), "const { total } = require('../../api/lib/m');\nfunction report(xs) {\n  return 'total ' + total(xs);\n}\nmodule.exports = { report };\n");

    // The fix agent's fenced view kept the workspace's roots and folders: git ran in the second
    // root's repository, the nested rules of web/src came with it, and grep searched both roots.
    const fix = sim.requests.filter((r) => r.conversation.includes('You own shard-3'));
    const results = toolResults(fix.at(-1)!.body.messages);
    assert.equal(results.length, 4);
    assert.match(results[0], /^\[Rules from web\/src\/AGENTS\.md[\s\S]*WEB-SRC-RULE/, results[0]);
    assert.match(results[0], /-const \{ sum \} = require\('\.\.\/\.\.\/api\/lib\/m'\);\n\+const \{ total \} = require/, results[0]);
    const grep = results[1];
    assert.match(grep, /^3 matches in 3 files/, grep);
    assert.match(grep, /api\/lib\/m\.js: 1 match/, grep);
    assert.match(grep, /web\/src\/report\.js: 1 match/, grep);
    assert.ok(results.some((t) => t.includes('Refused to write api/lib/m.js')), 'the fence kept the fix agent out of shard-1');
    assert.match(JSON.stringify(fix[0].body.messages), /sum is not defined/);

    const changes = await server.connection.sendRequest(ChangesRequest, { runId: 'mr-refactor', withContent: false });
    assert.deepEqual(changes.files.map((f) => f.path).sort(), ['api/lib/m.js', 'api/src/cli.js', 'web/src/report.js']);
    await server.connection.sendRequest(RejectRequest, { runId: 'mr-refactor' });
    assert.equal(readFileSync(join(web, 'src/report.js'), 'utf8'), reportBefore, 'reject undoes the refactor and the fix in both roots');
  });
});
