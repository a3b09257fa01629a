// Issue 12: sub-agent worktrees that really isolate and merge back file by file, with real git.
// git-worktree(1): linked worktrees share refs, stash and config with the main repository, so a
// sub-agent's checkout must be its own repository (objects borrowed through
// objects/info/alternates, gitrepository-layout(5)). Merge-back follows the edit engine's
// region-aware merge (disjoint changes land even when adjacent; git merge-file(1) would call them
// a conflict), keeps symlinks as links (git stores them as mode 120000 blobs holding the target),
// keeps the executable bit, and leaves out ignored files and build/test caches.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangesRequest, RejectRequest, RemoveWorktreeRequest } from '../../server/protocol';
import { swarmScript, type Turn } from '../support/simulator';
import { waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

const LINES = Array.from({ length: 12 }, (_, i) => `line${i + 1}`);
const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: ENV });

const worker: Turn = { toolCalls: [{ name: 'create_subagent', arguments: { name: 'shard', system_prompt: 'Edit your files.' } }] };
const assign = (...tasks: string[]): Turn => ({ toolCalls: tasks.map((task) => ({ name: 'assign_task', arguments: { agent: 'shard', task } })) });
const replace = (path: string, old_string: string, new_string: string, latency?: Turn['latency']): Turn => ({ toolCalls: [{ name: 'edit_file', arguments: { path, old_string, new_string } }], latency });
const sh = (command: string, outside = false): Turn => ({ toolCalls: [{ name: 'run_command', arguments: { command, ...(outside ? { outside_sandbox: true, reason: 'git' } : {}) } }] });

describe('protocol: worktrees that isolate and merge back per file', function () {
  this.timeout(90_000);
  const ctx = useSimServer();

  beforeEach(() => {
    git(ctx.ws.path, 'init', '-q', '-b', 'main');
    writeFileSync(join(ctx.ws.path, 'a.txt'), `${LINES.join('\n')}\n`);
    writeFileSync(join(ctx.ws.path, '.gitignore'), 'ignored.log\n');
    writeFileSync(join(ctx.ws.path, 'latin1.txt'), Buffer.from([0x6e, 0x61, 0xef, 0x76, 0x65, 0x0a])); // "naïve" in Latin-1
    writeFileSync(join(ctx.ws.path, 'tool.sh'), 'echo tool\n');
    chmodSync(join(ctx.ws.path, 'tool.sh'), 0o644);
    git(ctx.ws.path, 'add', '.');
    git(ctx.ws.path, 'commit', '-qm', 'init');
  });

  const setup = (main: Turn[], sub: Record<string, Turn[]>) => ctx.start({ respond: swarmScript(main, sub) }, { approval: 'always' });
  const toolResults = () => ctx.sim.requests.flatMap((r) => r.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content)));

  it("keeps the user's refs, stash and config; merges links, modes and non-UTF-8 bytes; reports every file; leaves caches out", async () => {
    const userConfig = git(ctx.ws.path, 'config', '--list', '--local');
    const { sim, server } = await setup([worker, assign('all'), { text: 'ok' }, { text: 'ok' }], {
      all: [
        sh(
          [
            "printf 'caf\\351\\n' > latin1.txt",
            'chmod +x tool.sh',
            'ln -s a.txt link-in',
            'ln -s /etc/hostname link-out',
            'ln -s missing.txt dangling',
            "mkdir -p pkg/__pycache__ && printf '\\000\\001' > pkg/__pycache__/m.cpython-311.pyc",
            'echo log > ignored.log',
            'echo scratch > notes.md',
            'echo changed >> a.txt',
          ].join(' && '),
        ),
        // The sandbox keeps .git read-only; outside it (the user approved), a sub-agent's git
        // commands still reach only its own repository.
        sh(
          [
            'git add -A && git -c user.name=a -c user.email=a@a commit -qm agent && git branch agent-branch',
            'echo stashed > stash.txt && git add stash.txt && git -c user.name=a -c user.email=a@a stash -q',
            'git config user.name Agent',
          ].join(' && '),
          true,
        ),
        { text: 'all done' },
      ],
    });
    const result = await server.run({ task: 'everything', worktrees: true });
    assert.equal(result.status, 'done', result.error);
    // The sub-agent's git commands really ran (else the checks below prove nothing).
    const last = sim.requests.filter((r) => r.conversation.includes('Your task:\nall')).at(-1)!;
    const commandOut = last.body.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.equal(commandOut.length, 2);
    for (const out of commandOut) assert.match(out, /\[exit code 0\]/, out);

    // The user's repository: same branches, no stash, same local config, one worktree.
    assert.equal(git(ctx.ws.path, 'branch', '--list').trim(), '* main');
    assert.equal(git(ctx.ws.path, 'stash', 'list').trim(), '');
    assert.equal(git(ctx.ws.path, 'config', '--list', '--local'), userConfig);
    assert.equal(git(ctx.ws.path, 'worktree', 'list').trim().split('\n').length, 1);

    // Its committed change reached the workspace; bytes, links and the executable bit came back.
    assert.match(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), /line12\nchanged\n$/);
    assert.deepEqual(readFileSync(join(ctx.ws.path, 'latin1.txt')), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    assert.equal(statSync(join(ctx.ws.path, 'tool.sh')).mode & 0o100, 0o100, 'chmod +x merged');
    assert.ok(lstatSync(join(ctx.ws.path, 'link-in')).isSymbolicLink());
    assert.equal(readlinkSync(join(ctx.ws.path, 'link-in')), 'a.txt');
    assert.equal(readlinkSync(join(ctx.ws.path, 'dangling')), 'missing.txt');
    assert.ok(!existsSync(join(ctx.ws.path, 'link-out')) && !lstatExists(join(ctx.ws.path, 'link-out')), 'a link out of the workspace is refused');
    assert.ok(!existsSync(join(ctx.ws.path, 'pkg')), 'caches stay out');
    assert.ok(!existsSync(join(ctx.ws.path, 'ignored.log')), 'ignored files stay out');
    assert.ok(!existsSync(join(ctx.ws.path, 'stash.txt')));

    // The orchestrator hears every file's outcome.
    const told = toolResults().find((t) => t.includes('all done'))!;
    assert.match(told, /Files changed: a\.txt, dangling, latin1\.txt, link-in, notes\.md, tool\.sh/);
    assert.match(told, /Not merged: link-out: Refused symbolic link link-out: its target \/etc\/hostname is an absolute path/);

    // The worktree kept for the refused link is listed in review, outside git's worktree list, and removable.
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: result.runId, withContent: false });
    assert.equal(changes.keptWorktrees?.length, 1);
    // The merged-back chmod +x is a change of mode in review (not "unchanged").
    const tool = changes.files.find((f) => f.path === 'tool.sh');
    assert.deepEqual([tool?.change, tool?.mode], ['modified', { original: '100644', current: '100755' }]);
    const kept = changes.keptWorktrees![0];
    assert.match(kept.reasons.join('\n'), /link-out/);
    assert.ok(existsSync(kept.path));
    assert.deepEqual(await server.connection.sendRequest(RemoveWorktreeRequest, { path: '/etc' }), { removed: false });
    assert.deepEqual(await server.connection.sendRequest(RemoveWorktreeRequest, { path: kept.path }), { removed: true });
    assert.ok(!existsSync(kept.path));

    // Reject puts bytes, mode and absence back.
    await server.connection.sendRequest(RejectRequest, { runId: result.runId });
    assert.deepEqual(readFileSync(join(ctx.ws.path, 'latin1.txt')), Buffer.from([0x6e, 0x61, 0xef, 0x76, 0x65, 0x0a]));
    assert.equal(statSync(join(ctx.ws.path, 'tool.sh')).mode & 0o777, 0o644);
    assert.ok(!lstatExists(join(ctx.ws.path, 'link-in')) && !lstatExists(join(ctx.ws.path, 'dangling')));
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), `${LINES.join('\n')}\n`);
  });

  it('merges eight sub-agents editing eight adjacent lines of one file without a conflict', async () => {
    const tasks = LINES.slice(0, 8);
    const sub = Object.fromEntries(tasks.map((l) => [l, [replace('a.txt', `${l}\n`, `${l}-${l}\n`), { text: `${l} done` }]]));
    const { server } = await setup([worker, assign(...tasks), { text: 'all merged' }], sub);
    const result = await server.run({ task: 'adjacent', worktrees: true });
    assert.equal(result.status, 'done', result.error);
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), `${LINES.map((l, i) => (i < 8 ? `${l}-${l}` : l)).join('\n')}\n`);
    assert.equal(result.conflicts, undefined);
  });

  it('never merges into a file holding this run\'s conflict markers, hands the conflicts to the orchestrator and names them in the result and review', async () => {
    const inner = swarmScript([worker, assign('left', 'right', 'late'), { text: 'finished' }, { text: 'could not resolve' }], {
      left: [replace('a.txt', 'line3\n', 'line3-left\n'), { text: 'left done' }],
      right: [replace('a.txt', 'line3\n', 'line3-right\n'), { text: 'right done' }],
      late: [{ toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }, replace('a.txt', 'line10\n', 'line10-late\n'), { text: 'late done' }],
    });
    // Late starts with the others and finishes after both merged: its first answer waits until
    // the client saw left and right finish (merged before agent_finished). A 3 s latency raced a
    // loaded machine, where merging the other two could take longer.
    const runId = 'clash';
    const finishedTasks = () => {
      const ev = ctx.server.events.get(runId) ?? [];
      const done = new Set(ev.flatMap((e) => (e.type === 'agent_finished' ? [e.agentId] : [])));
      return ev.flatMap((e) => (e.type === 'agent_spawned' && done.has(e.agentId) ? [e.task] : []));
    };
    let lateStarted = false;
    const { sim, server } = await ctx.start({
      respond: async (body, info) => {
        if (!lateStarted && /Your task:\nlate\s*$/.test(info.conversation)) {
          lateStarted = true;
          await waitFor(() => ['left', 'right'].every((t) => finishedTasks().includes(t)), 60_000, 'left and right merged');
        }
        return inner(body, info);
      },
    }, { approval: 'always' });
    const result = await server.run({ task: 'clash', worktrees: true, runId });
    assert.equal(result.status, 'done', result.error);
    const a = readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8');
    assert.equal(a.match(/^<{7} /gm)?.length, 1, 'one conflict, not nested');
    assert.doesNotMatch(a, /line10-late/);
    const late = toolResults().find((t) => t.includes('late done'))!;
    assert.match(late, /Not merged: a\.txt: it still holds unresolved conflict markers/);
    // The orchestrator got one more turn to resolve them before the run ended.
    const prompts = sim.requests.flatMap((r) => r.body.messages.filter((m) => m.role === 'user').map((m) => String(m.content)));
    assert.ok(prompts.some((p) => /left conflict markers .* in: a\.txt/.test(p)));
    assert.deepEqual(result.conflicts, ['a.txt']);
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: result.runId, withContent: false });
    assert.equal(changes.files.find((f) => f.path === 'a.txt')?.conflict, true);
    assert.equal(changes.keptWorktrees?.length, 1);
  });
});

function lstatExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
