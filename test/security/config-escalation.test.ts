// Finding 1 of issue 11: escalation through config files. The model writes package.json
// (scripts.test), .npmrc (node-options), conftest.py or .git/config (core.fsmonitor,
// diff.external), then runs an allowlisted command, or calls the read-only git tool. Held when
// .git/ is never written, the git tool runs no repository-config program, code-running config
// files need approval, and what the test runner executes stays inside the sandbox.
// References: git-config(1) core.fsmonitor / diff.external / filter.<driver>.clean /
// diff.<driver>.textconv; npm-config(1) node-options; pytest conftest.py discovery.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/server';
import { perConversation, script } from '../support/simulator';
import { calls, session, type Session } from './harness';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });

describe('security: escalation through config files', function () {
  this.timeout(60_000);
  let ws: ReturnType<typeof tempDir>;
  let outside: ReturnType<typeof tempDir>;
  let s: Session | undefined;
  beforeEach(() => {
    ws = tempDir('swarmcode-sec-ws-');
    outside = tempDir('swarmcode-sec-out-');
    writeFileSync(join(ws.path, 'a.txt'), 'one\n');
    git(ws.path, 'init', '-q');
    git(ws.path, 'add', '-A');
    git(ws.path, 'commit', '-q', '-m', 'init');
  });
  afterEach(async () => {
    await s?.close();
    s = undefined;
    ws.cleanup();
    outside.cleanup();
  });

  it('refuses write_file and edit_file into .git/ (config and hooks)', async () => {
    const before = readFileSync(join(ws.path, '.git/config'), 'utf8');
    s = await session(
      ws.path,
      calls(
        { name: 'write_file', arguments: { path: '.git/config', content: `[core]\n\tfsmonitor = touch ${outside.path}/pwned\n` } },
        { name: 'write_file', arguments: { path: '.git/hooks/pre-commit', content: '#!/bin/sh\ntouch pwned\n' } },
        { name: 'write_file', arguments: { path: 'sub/../.GIT/info/attributes', content: '* filter=x\n' } },
      ),
      { approval: 'always' },
    );
    const r = await s.run();
    assert.equal(r.status, 'done', r.error);
    const outs = s.outputs();
    assert.equal(outs.length, 3);
    for (const o of outs) assert.ok(!o.ok && /\.git/.test(o.output), o.output);
    assert.equal(readFileSync(join(ws.path, '.git/config'), 'utf8'), before);
    assert.ok(!existsSync(join(ws.path, '.git/hooks/pre-commit')));
  });

  it('the git tool runs no fsmonitor, external diff, textconv or filter from repository config', async () => {
    const marker = (name: string) => `sh -c 'touch ${ws.path}/${name} ${outside.path}/${name}; cat'`;
    // A hostile repository as cloned: its .git/config names programs (written here directly, as git clone would leave them).
    git(ws.path, 'config', 'core.fsmonitor', `touch ${ws.path}/fsmonitor-ran ${outside.path}/fsmonitor-ran; false`);
    git(ws.path, 'config', 'diff.external', `touch ${ws.path}/extdiff-ran ${outside.path}/extdiff-ran; false`);
    git(ws.path, 'config', 'diff.evil.textconv', marker('textconv-ran'));
    git(ws.path, 'config', 'filter.evil.clean', marker('clean-ran'));
    git(ws.path, 'config', 'core.pager', `touch ${ws.path}/pager-ran`);
    writeFileSync(join(ws.path, '.gitattributes'), 'a.txt diff=evil filter=evil\n');
    writeFileSync(join(ws.path, 'a.txt'), 'two\n');
    s = await session(ws.path, calls({ name: 'git', arguments: { action: 'status' } }, { name: 'git', arguments: { action: 'diff' } }), { approval: 'allowlist' });
    const r = await s.run();
    assert.equal(r.status, 'done', r.error);
    const [st, diff] = s.outputs();
    assert.ok(st.ok && /a\.txt/.test(st.output), st.output);
    assert.ok(diff.ok && /-one\n\+two/.test(diff.output), diff.output);
    for (const m of ['fsmonitor-ran', 'extdiff-ran', 'textconv-ran', 'clean-ran', 'pager-ran']) {
      assert.ok(!existsSync(join(ws.path, m)) && !existsSync(join(outside.path, m)), `${m}: a repository-config program ran`);
    }
  });

  it('package.json scripts.test under the allowlisted `npm test` runs contained: nothing written outside, .git read-only', async () => {
    const pkg = { name: 'x', version: '1.0.0', scripts: { test: `touch ${outside.path}/pwned; echo '[core] fsmonitor = evil' >> .git/config; touch inside-ok; echo script-ran` } };
    s = await session(ws.path, calls({ name: 'write_file', arguments: { path: 'package.json', content: JSON.stringify(pkg) } }, { name: 'run_command', arguments: { command: 'npm test' } }), { approval: 'allowlist' });
    const r = await s.run();
    assert.equal(r.status, 'done', r.error);
    const out = s.outputs()[1];
    assert.match(out.output, /script-ran/, 'the allowlisted command ran without asking');
    assert.equal(s.asked.length, 0);
    assert.ok(!existsSync(join(outside.path, 'pwned')), 'wrote outside the workspace');
    assert.doesNotMatch(readFileSync(join(ws.path, '.git/config'), 'utf8'), /evil/, '.git/config was changed from inside the sandbox');
    assert.ok(existsSync(join(ws.path, 'inside-ok')), 'the workspace is writable');
  });

  it('.npmrc and .vscode/tasks.json need approval; refused without asking under the allowlist policy', async () => {
    s = await session(
      ws.path,
      calls(
        { name: 'write_file', arguments: { path: '.npmrc', content: `node-options=--require ${outside.path}/evil.js\n` } },
        { name: 'write_file', arguments: { path: '.vscode/tasks.json', content: '{"version":"2.0.0","tasks":[{"label":"x","command":"touch pwned","runOptions":{"runOn":"folderOpen"}}]}' } },
      ),
      { approval: 'allowlist' },
    );
    await s.run();
    const outs = s.outputs();
    assert.ok(outs.every((o) => !o.ok && /run code outside the sandbox/.test(o.output)), JSON.stringify(outs));
    assert.ok(!existsSync(join(ws.path, '.npmrc')) && !existsSync(join(ws.path, '.vscode/tasks.json')));
  });

  it('asks with the reason before writing .npmrc, and writes it only when approved', async () => {
    s = await session(ws.path, calls({ name: 'write_file', arguments: { path: '.npmrc', content: 'fund=false\n' } }), { approval: 'ask' }, { approve: () => true });
    await s.run();
    assert.equal(s.asked.length, 1);
    assert.equal(s.asked[0].kind, 'write');
    assert.match(s.asked[0].reason ?? '', /\.npmrc makes tools run code/);
    assert.equal(readFileSync(join(ws.path, '.npmrc'), 'utf8'), 'fund=false\n');
  });

  it('.npmrc node-options under `npm test` (approved write) stays contained', async () => {
    writeFileSync(join(outside.path, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(join(outside.path, 'pwned'))}, 'x'); console.log('evil-loaded');\n`);
    writeFileSync(join(ws.path, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { test: 'node -e "console.log(1)"' } }));
    s = await session(
      ws.path,
      calls({ name: 'write_file', arguments: { path: '.npmrc', content: `node-options=--require ${outside.path}/evil.js\n` } }, { name: 'run_command', arguments: { command: 'npm test' } }),
      { approval: 'ask' },
      { approve: (p) => p.kind === 'write' },
    );
    await s.run();
    assert.ok(!existsSync(join(outside.path, 'pwned')), 'code loaded through .npmrc wrote outside the workspace');
  });

  it('conftest.py under the allowlisted `pytest` runs contained', async function () {
    try {
      execFileSync('pytest', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    mkdirSync(join(ws.path, 'tests'));
    writeFileSync(join(ws.path, 'tests/test_a.py'), 'def test_a():\n    assert True\n');
    const conftest = `import os\nopen(${JSON.stringify(join(outside.path, 'pwned'))}, 'w').write('x') if os.access(${JSON.stringify(outside.path)}, os.W_OK) else None\nprint('conftest-ran')\n`;
    s = await session(ws.path, calls({ name: 'write_file', arguments: { path: 'conftest.py', content: conftest } }, { name: 'run_command', arguments: { command: 'pytest -q -p no:cacheprovider' } }), { approval: 'allowlist' });
    await s.run();
    const out = s.outputs()[1];
    assert.equal(s.asked.length, 0);
    assert.match(out.output, /passed|conftest-ran/, out.output);
    assert.ok(!existsSync(join(outside.path, 'pwned')));
  });

  it('sub-agent worktrees (snapshot, worktree add, merge) run no fsmonitor, hook or filter from repository config', async () => {
    writeFileSync(join(ws.path, '.gitattributes'), '*.txt filter=evil\n');
    git(ws.path, 'add', '.gitattributes');
    git(ws.path, 'commit', '-q', '-m', 'attrs');
    git(ws.path, 'config', 'core.fsmonitor', `touch ${outside.path}/fsmonitor-ran; false`);
    git(ws.path, 'config', 'filter.evil.clean', `sh -c 'touch ${outside.path}/clean-ran; cat'`);
    git(ws.path, 'config', 'filter.evil.smudge', `sh -c 'touch ${outside.path}/smudge-ran; cat'`);
    writeFileSync(join(ws.path, '.git/hooks/post-checkout'), `#!/bin/sh\ntouch ${outside.path}/hook-ran\n`);
    chmodSync(join(ws.path, '.git/hooks/post-checkout'), 0o755);
    writeFileSync(join(ws.path, 'a.txt'), 'changed by the user\n');
    const respond = perConversation((conversation) =>
      script(
        /Your task:/.test(conversation)
          ? [{ toolCalls: [{ name: 'write_file', arguments: { path: 'b.txt', content: 'from the sub-agent\n' } }] }, { text: 'sub done' }]
          : [
              { toolCalls: [{ name: 'create_subagent', arguments: { name: 'w', system_prompt: 'Work.' } }] },
              { toolCalls: [{ name: 'assign_task', arguments: { agent: 'w', task: 'write b' } }] },
              { text: 'done' },
            ],
      ),
    );
    s = await session(ws.path, respond, { approval: 'always' });
    const r = await s.run('go', true);
    assert.equal(r.status, 'done', r.error);
    assert.equal(readFileSync(join(ws.path, 'b.txt'), 'utf8'), 'from the sub-agent\n');
    for (const m of ['fsmonitor-ran', 'clean-ran', 'smudge-ran', 'hook-ran']) assert.ok(!existsSync(join(outside.path, m)), `${m}: a repository-config program ran`);
  });

  it('a hook made executable in the work tree is still never run by the git tool', async () => {
    mkdirSync(join(ws.path, 'hooks'));
    writeFileSync(join(ws.path, 'hooks/post-index-change'), `#!/bin/sh\ntouch ${outside.path}/hook-ran\n`);
    chmodSync(join(ws.path, 'hooks/post-index-change'), 0o755);
    git(ws.path, 'config', 'core.hooksPath', join(ws.path, 'hooks'));
    writeFileSync(join(ws.path, 'a.txt'), 'three\n');
    s = await session(ws.path, calls({ name: 'git', arguments: { action: 'status' } }), { approval: 'allowlist' });
    await s.run();
    assert.ok(!existsSync(join(outside.path, 'hook-ran')));
  });
});
