// Per-sub-agent git worktrees through the real server and real git: isolation, three-way merge
// back into the workspace (journaled, so review and rollback see it), conflicts reported, the
// user's refs, index and untracked files untouched.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangesRequest, RejectRequest } from '../../server/protocol';
import { swarmScript, type Turn } from '../support/simulator';
import { useSimServer } from '../support/sim-server';

const LINES = Array.from({ length: 12 }, (_, i) => `line${i + 1}`);
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

const worker: Turn = { toolCalls: [{ name: 'create_subagent', arguments: { name: 'shard', system_prompt: 'Edit your files.' } }] };
const assign = (...tasks: string[]): Turn => ({ toolCalls: tasks.map((task) => ({ name: 'assign_task', arguments: { agent: 'shard', task } })) });
const replace = (path: string, old_string: string, new_string: string): Turn => ({ toolCalls: [{ name: 'edit_file', arguments: { path, old_string, new_string } }] });
const read = (path: string): Turn => ({ toolCalls: [{ name: 'read_file', arguments: { path } }] });

describe('protocol: sub-agents in git worktrees', function () {
  this.timeout(60_000);
  const ctx = useSimServer();
  let head = '';

  beforeEach(() => {
    git(ctx.ws.path, 'init', '-q');
    writeFileSync(join(ctx.ws.path, 'a.txt'), `${LINES.join('\n')}\n`);
    writeFileSync(join(ctx.ws.path, '.gitignore'), 'ignored.log\n');
    writeFileSync(join(ctx.ws.path, 'old.txt'), 'obsolete\n');
    git(ctx.ws.path, 'add', '.');
    git(ctx.ws.path, 'commit', '-qm', 'init');
    head = git(ctx.ws.path, 'rev-parse', 'HEAD').trim();
    // Uncommitted and untracked work of the user: the worktrees start from it, and it survives.
    writeFileSync(join(ctx.ws.path, 'a.txt'), `${LINES.map((l) => (l === 'line6' ? 'line6-user' : l)).join('\n')}\n`);
    writeFileSync(join(ctx.ws.path, 'notes.txt'), 'untracked notes\n');
  });

  const setup = (main: Turn[], sub: Record<string, Turn[]>, settings = {}) => ctx.start({ respond: swarmScript(main, sub) }, { approval: 'always', ...settings });

  it('runs each sub-agent in its own checkout and merges both edits of one file back, journaled', async () => {
    const { sim, server } = await setup([worker, assign('top', 'bottom'), { text: 'merged' }], {
      top: [
        read('notes.txt'),
        replace('a.txt', 'line1\n', 'line1-top\n'),
        { toolCalls: [{ name: 'write_file', arguments: { path: 'new-top.txt', content: 'from top\n' } }] },
        { toolCalls: [{ name: 'run_command', arguments: { command: 'pwd; touch built.out' } }] },
        { text: 'top done' },
      ],
      bottom: [
        read('a.txt'),
        replace('a.txt', 'line12\n', 'line12-bottom\n'),
        { toolCalls: [{ name: 'run_command', arguments: { command: 'rm old.txt' } }] },
        { text: 'bottom done' },
      ],
    });
    const result = await server.run({ task: 'two shards', worktrees: true });
    assert.equal(result.status, 'done', result.error);

    // Both edits and the user's uncommitted line are in the workspace file.
    const a = readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8').split('\n');
    assert.equal(a[0], 'line1-top');
    assert.equal(a[5], 'line6-user');
    assert.equal(a[11], 'line12-bottom');
    assert.equal(readFileSync(join(ctx.ws.path, 'new-top.txt'), 'utf8'), 'from top\n');
    assert.ok(existsSync(join(ctx.ws.path, 'built.out')), 'a file its command made comes back too');
    assert.ok(!existsSync(join(ctx.ws.path, 'old.txt')), 'a file its command deleted is deleted too');

    // The sub-agent saw the untracked file (the snapshot has it) and its command ran elsewhere.
    const toolResults = sim.requests.flatMap((r) => r.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content)));
    assert.ok(toolResults.some((t) => t.includes('untracked notes')), 'the worktree has the untracked file');
    const pwd = toolResults.find((t) => /swarmcode-worktrees-/.test(t));
    assert.ok(pwd && !pwd.includes(`${ctx.ws.path}\n`), `run_command ran in the worktree: ${pwd}`);

    // The orchestrator was told which files came back.
    const final = sim.requests.at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.match(final.find((t) => t.includes('top done'))!, /Files changed: a\.txt, built\.out, new-top\.txt/);

    // Git state of the user: HEAD, index and worktree list as before; nothing left behind.
    assert.equal(git(ctx.ws.path, 'rev-parse', 'HEAD').trim(), head);
    assert.equal(git(ctx.ws.path, 'diff', '--cached', '--name-only').trim(), '');
    assert.equal(git(ctx.ws.path, 'worktree', 'list').trim().split('\n').length, 1);
    assert.equal(git(ctx.ws.path, 'stash', 'list').trim(), '');

    // Review lists the merged files; rejecting puts the user's version back byte for byte.
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: result.runId });
    assert.deepEqual(changes.files.map((f) => `${f.path} ${f.change}`).sort(), ['a.txt modified', 'built.out added', 'new-top.txt added', 'old.txt deleted']);
    await server.connection.sendRequest(RejectRequest, { runId: result.runId });
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), `${LINES.map((l) => (l === 'line6' ? 'line6-user' : l)).join('\n')}\n`);
    assert.ok(!existsSync(join(ctx.ws.path, 'new-top.txt')));
    assert.equal(readFileSync(join(ctx.ws.path, 'old.txt'), 'utf8'), 'obsolete\n');
    assert.equal(readFileSync(join(ctx.ws.path, 'notes.txt'), 'utf8'), 'untracked notes\n');
  });

  it('writes conflicting edits with markers and tells the orchestrator, never dropping one', async () => {
    const { sim, server } = await setup([worker, assign('left', 'right'), { text: 'saw the conflict' }], {
      left: [replace('a.txt', 'line3\n', 'line3-left\n'), { text: 'left done' }],
      right: [replace('a.txt', 'line3\n', 'line3-right\n'), { text: 'right done' }],
    });
    const result = await server.run({ task: 'clash', worktrees: true });
    assert.equal(result.status, 'done', result.error);
    const a = readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8');
    assert.match(a, /line3-left/);
    assert.match(a, /line3-right/);
    assert.match(a, /^<{7} workspace$/m);
    const final = sim.requests.at(-1)!.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.ok(final.some((t) => /Merge conflicts \(written with <<<<<<< markers, resolve them\): a\.txt/.test(t)), final.join('\n---\n'));
  });

  it('a sub-agent started later checks out what earlier ones merged back', async () => {
    const { sim, server } = await setup([worker, assign('first'), assign('second'), { text: 'in sequence' }], {
      first: [replace('a.txt', 'line2\n', 'line2-first\n'), { text: 'first done' }],
      second: [read('a.txt'), replace('a.txt', 'line2-first\n', 'line2-second\n'), { text: 'second done' }],
    });
    const result = await server.run({ task: 'sequence', worktrees: true });
    assert.equal(result.status, 'done', result.error);
    const secondRead = sim.requests.find((r) => r.conversation.includes('Your task:\nsecond') && r.body.messages.some((m) => m.role === 'tool'));
    assert.match(JSON.stringify(secondRead?.body.messages.find((m) => m.role === 'tool')), /line2-first/);
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8').split('\n')[1], 'line2-second');
  });

  it('fails the run with a clear message outside a git repository', async () => {
    execFileSync('rm', ['-rf', join(ctx.ws.path, '.git')]);
    const { server } = await setup([{ text: 'never' }], {});
    const result = await server.run({ task: 'no repo', worktrees: true });
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /worktrees need a git repository/);
  });

  it('the subagentWorktrees setting turns them on for every run; worktrees: false turns them off again', async () => {
    execFileSync('rm', ['-rf', join(ctx.ws.path, '.git')]);
    const { server } = await setup([{ text: 'plain run' }, { text: 'plain run' }], {}, { subagentWorktrees: true });
    const on = await server.run({ task: 'by setting' });
    assert.equal(on.status, 'failed');
    assert.match(on.error ?? '', /worktrees need a git repository/);
    const off = await server.run({ task: 'by setting', worktrees: false });
    assert.equal(off.status, 'done', off.error);
  });
});
