// Issue 12: files a command creates, changes or deletes in a git workspace are part of the run's
// journal, so swarm/changes lists them and swarm/reject undoes them like edits. The before/after
// trees are written with a private index (GIT_INDEX_FILE, git(1) ENVIRONMENT), leaving the user's
// index untouched.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcceptRequest, ChangesRequest, RejectRequest } from '../../server/protocol';
import { script } from '../support/simulator';
import { useSimServer } from '../support/sim-server';

const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: ENV });

describe('protocol: command-made changes are journaled', function () {
  this.timeout(30_000);
  const ctx = useSimServer();

  beforeEach(() => {
    git(ctx.ws.path, 'init', '-q');
    writeFileSync(join(ctx.ws.path, 'kept.txt'), 'one\r\n');
    writeFileSync(join(ctx.ws.path, 'gone.txt'), 'bye\n');
    writeFileSync(join(ctx.ws.path, 'tool.sh'), 'echo\n', { mode: 0o644 });
    git(ctx.ws.path, 'add', '.');
    git(ctx.ws.path, 'commit', '-qm', 'init');
    writeFileSync(join(ctx.ws.path, 'dirty.txt'), 'untracked work of the user\n');
  });

  it('lists what run_command created, changed and deleted, and reject undoes it byte for byte', async () => {
    const command = "chmod +x tool.sh && echo new > made.txt && rm gone.txt && printf 'two\\r\\n' >> kept.txt && echo more >> dirty.txt && mkdir -p __pycache__ && echo c > __pycache__/m.pyc";
    const { sim, server } = await ctx.start({ respond: script([{ toolCalls: [{ name: 'run_command', arguments: { command } }] }, { text: 'done' }]) }, { approval: 'always' });
    const indexBefore = git(ctx.ws.path, 'ls-files', '--stage');
    const result = await server.run({ task: 'a command' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(git(ctx.ws.path, 'ls-files', '--stage'), indexBefore, "the user's index is untouched");

    const changes = await server.connection.sendRequest(ChangesRequest, { runId: result.runId, withContent: false });
    assert.deepEqual(changes.files.map((f) => `${f.path} ${f.change}`).sort(), ['dirty.txt modified', 'gone.txt deleted', 'kept.txt modified', 'made.txt added', 'tool.sh modified']);
    assert.deepEqual(changes.files.find((f) => f.path === 'tool.sh')!.mode, { original: '100644', current: '100755' });

    await server.connection.sendRequest(RejectRequest, { runId: result.runId });
    assert.equal(readFileSync(join(ctx.ws.path, 'kept.txt'), 'utf8'), 'one\r\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'gone.txt'), 'utf8'), 'bye\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'dirty.txt'), 'utf8'), 'untracked work of the user\n');
    assert.equal(statSync(join(ctx.ws.path, 'tool.sh')).mode & 0o777, 0o644);
    assert.ok(!existsSync(join(ctx.ws.path, 'made.txt')));
  });
});

// Issue 12: the same in a folder that is not a git repository. The snapshots are written with a
// private bare repository (GIT_DIR and GIT_WORK_TREE, git(1) ENVIRONMENT) beside the run journals,
// so nothing is created in the workspace.
describe('protocol: command-made changes are journaled outside git', function () {
  this.timeout(30_000);
  const ctx = useSimServer();

  beforeEach(() => {
    writeFileSync(join(ctx.ws.path, 'kept.txt'), 'one\r\n');
    writeFileSync(join(ctx.ws.path, 'gone.txt'), 'bye\n');
    writeFileSync(join(ctx.ws.path, 'bytes.bin'), Buffer.from([0, 255, 1, 254]));
    writeFileSync(join(ctx.ws.path, 'we ird\nname.txt'), 'odd\n');
    writeFileSync(join(ctx.ws.path, 'run.sh'), '#!/bin/sh\n', { mode: 0o644 });
    mkdirSync(join(ctx.ws.path, 'node_modules/dep'), { recursive: true });
    writeFileSync(join(ctx.ws.path, 'node_modules/dep/index.js'), 'old\n');
  });

  async function runCommand(command: string) {
    const { server } = await ctx.start({ respond: script([{ toolCalls: [{ name: 'run_command', arguments: { command } }] }, { text: 'done' }]) }, { approval: 'always' });
    const result = await server.run({ task: 'a command' });
    assert.equal(result.status, 'done', result.error);
    return result.runId;
  }

  it('lists what run_command created, changed and deleted (not dependencies or caches), and reject undoes it byte for byte', async () => {
    const runId = await runCommand(
      "echo new > made.txt && rm gone.txt 'we ird\nname.txt' && printf 'two\\r\\n' >> kept.txt && printf '\\001' >> bytes.bin && chmod +x run.sh && mkdir -p sub/deep && echo d > sub/deep/f.txt && echo new > node_modules/dep/index.js && mkdir -p __pycache__ && echo c > __pycache__/m.pyc",
    );
    assert.ok(!existsSync(join(ctx.ws.path, '.git')), 'no repository was created in the workspace');
    // run.sh: only its mode changed; review lists it as a mode change (git's notation, as
    // git-diff(1) "old mode / new mode" writes it) with no hunks; reject restores the mode.
    const changes = await ctx.server.connection.sendRequest(ChangesRequest, { runId, withContent: false });
    assert.deepEqual(changes.files.map((f) => `${f.path} ${f.change}`).sort(), ['bytes.bin modified', 'gone.txt deleted', 'kept.txt modified', 'made.txt added', 'run.sh modified', 'sub/deep/f.txt added', 'we ird\nname.txt deleted']);
    const script = changes.files.find((f) => f.path === 'run.sh')!;
    assert.deepEqual(script.mode, { original: '100644', current: '100755' });
    assert.equal(script.hunks, undefined, 'a mode change has no hunks');
    assert.equal(changes.files.find((f) => f.path === 'kept.txt')!.mode, undefined, 'a content change alone has no mode');

    await ctx.server.connection.sendRequest(RejectRequest, { runId });
    assert.equal(readFileSync(join(ctx.ws.path, 'kept.txt'), 'utf8'), 'one\r\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'gone.txt'), 'utf8'), 'bye\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'we ird\nname.txt'), 'utf8'), 'odd\n');
    assert.deepEqual([...readFileSync(join(ctx.ws.path, 'bytes.bin'))], [0, 255, 1, 254]);
    assert.equal(statSync(join(ctx.ws.path, 'run.sh')).mode & 0o777, 0o644);
    assert.ok(!existsSync(join(ctx.ws.path, 'made.txt')));
    assert.ok(!existsSync(join(ctx.ws.path, 'sub/deep/f.txt')));
    assert.equal(readFileSync(join(ctx.ws.path, 'node_modules/dep/index.js'), 'utf8'), 'new\n', 'dependency folders are not journaled');
  });

  it('accept keeps a mode change, and review stops listing it', async () => {
    const runId = await runCommand('chmod +x run.sh');
    const changes = await ctx.server.connection.sendRequest(ChangesRequest, { runId, withContent: false });
    assert.deepEqual(changes.files.map((f) => [f.path, f.change, f.mode]), [['run.sh', 'modified', { original: '100644', current: '100755' }]]);
    const accepted = await ctx.server.connection.sendRequest(AcceptRequest, { runId });
    assert.deepEqual(accepted.accepted, ['run.sh']);
    assert.equal(statSync(join(ctx.ws.path, 'run.sh')).mode & 0o777, 0o755);
    assert.equal(readFileSync(join(ctx.ws.path, 'run.sh'), 'utf8'), '#!/bin/sh\n');
  });

  it('rejecting every hunk of a file whose content and mode changed gives back its bytes and its mode', async () => {
    const runId = await runCommand("printf 'two\\r\\n' >> kept.txt && chmod +x kept.txt");
    const changes = await ctx.server.connection.sendRequest(ChangesRequest, { runId, withContent: false });
    const kept = changes.files.find((f) => f.path === 'kept.txt')!;
    assert.deepEqual(kept.mode, { original: '100644', current: '100755' });
    assert.equal(kept.hunks?.length, 1);
    const r = await ctx.server.connection.sendRequest(RejectRequest, { runId, hunks: [{ path: 'kept.txt', ids: kept.hunks!.map((h) => h.id) }] });
    assert.deepEqual(r.restored, ['kept.txt']);
    assert.equal(readFileSync(join(ctx.ws.path, 'kept.txt'), 'utf8'), 'one\r\n');
    assert.equal(statSync(join(ctx.ws.path, 'kept.txt')).mode & 0o777, 0o644);
  });

  it('accepts one file and rejects the rest', async () => {
    const runId = await runCommand('echo kept > made.txt && rm gone.txt && echo two >> kept.txt');
    await ctx.server.connection.sendRequest(AcceptRequest, { runId, paths: ['made.txt'] });
    const left = await ctx.server.connection.sendRequest(ChangesRequest, { runId, withContent: false });
    assert.deepEqual(left.files.map((f) => f.path).sort(), ['gone.txt', 'kept.txt']);
    await ctx.server.connection.sendRequest(RejectRequest, { runId });
    assert.equal(readFileSync(join(ctx.ws.path, 'made.txt'), 'utf8'), 'kept\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'gone.txt'), 'utf8'), 'bye\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'kept.txt'), 'utf8'), 'one\r\n');
  });
});
