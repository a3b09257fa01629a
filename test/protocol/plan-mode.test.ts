// Plan mode: the agent and its sub-agents get read-only tools only, and nothing in the workspace
// changes whatever the model tries (write, edit, run commands, delegate the writing). Driven
// through the spawned server and, for `swarmcode run --plan`, the CLI process.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApprovalRequest } from '../../server/protocol';
import { byConversation, contentText, type Turn } from '../support/simulator';
import { jsonLines, runCli } from '../support/cli';
import { ensureBuilt, tempDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

const READ_ONLY = ['find_symbol', 'git', 'grep', 'list_files', 'read_file', 'repo_map'];

/** Every way a model could try to change the workspace, in one turn. */
const attacks: Turn = {
  toolCalls: [
    { name: 'write_file', arguments: { path: 'new.txt', content: 'pwned' } },
    { name: 'edit_file', arguments: { path: 'a.txt', old_string: 'alpha', new_string: 'PWNED' } },
    { name: 'run_command', arguments: { command: 'echo pwned > cmd.txt' } },
    { name: 'delete_file', arguments: { path: 'a.txt' } },
  ],
};

describe('protocol: plan mode', function () {
  this.timeout(30_000);
  const ctx = useSimServer();
  let home: ReturnType<typeof tempDir>;
  const env = () => ({ ...process.env, HOME: home.path });

  beforeEach(() => {
    home = tempDir('swarmcode-home-');
    writeFileSync(join(ctx.ws.path, 'a.txt'), 'alpha\n');
  });
  afterEach(async () => {
    home.cleanup();
  });

  const unchanged = () => {
    assert.deepEqual(readdirSync(ctx.ws.path).sort(), ['a.txt']);
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\n');
  };

  it('a model that tries to write, edit, delete and run commands (itself and through sub-agents) changes nothing', async () => {
    // `always`: were a command to reach the approver, it would run. It must never get there.
    const { sim, server } = await ctx.start({
      respond: byConversation({
        'PLAN-TASK': [
          { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
          attacks,
          { toolCalls: [{ name: 'create_subagent', arguments: { name: 'writer', system_prompt: 'Write.', tools: ['write_file', 'run_command'] } }] },
          { toolCalls: [{ name: 'create_subagent', arguments: { name: 'looker', system_prompt: 'Look.' } }] },
          { toolCalls: [{ name: 'assign_task', arguments: { agent: 'looker', task: 'SUB-TASK: change a.txt' } }] },
          { text: '## Plan\n1. Edit a.txt: replace alpha.\n2. Run the tests.' },
        ],
        'SUB-TASK': [attacks, { text: 'could not write' }],
      }),
    }, { approval: 'always' }, { env: env() });
    let asked = 0;
    server.connection.onRequest(ApprovalRequest, () => {
      asked++;
      return { approved: true };
    });
    const result = await server.run({ task: 'PLAN-TASK: rename alpha', plan: true });
    assert.equal(result.status, 'done', result.error);
    assert.equal(result.plan, true);
    assert.match(result.text, /## Plan/);
    unchanged();
    assert.equal(asked, 0);

    // Only looking tools are declared (plus the orchestration tools: their workers are read-only too).
    const main = sim.requests.filter((r) => r.conversation.includes('PLAN-TASK'));
    const declared = (main[0].body.tools ?? []).map((t) => t.function.name).sort();
    assert.deepEqual(declared, [...READ_ONLY, 'assign_task', 'create_subagent', 'spawn_swarm'].sort());
    assert.match(contentText(main[0].body.messages[0].content), /PLAN MODE/);
    const results = main[2].body.messages.filter((m) => m.role === 'tool').slice(1).map((m) => contentText(m.content));
    assert.equal(results.length, 4);
    for (const r of results) assert.match(r, /Unknown tool/);
    const created = main[3].body.messages.filter((m) => m.role === 'tool').map((m) => contentText(m.content)).at(-1)!;
    assert.match(created, /Unknown tool\(s\) for writer: write_file, run_command/);

    const sub = sim.requests.filter((r) => r.conversation.includes('SUB-TASK'));
    assert.deepEqual((sub[0].body.tools ?? []).map((t) => t.function.name).filter((n) => !['assign_task', 'create_subagent', 'spawn_swarm'].includes(n)).sort(), READ_ONLY);
    assert.match(contentText(sub[0].body.messages[0].content), /PLAN MODE/);
    for (const m of sub[1].body.messages.filter((x) => x.role === 'tool')) assert.match(contentText(m.content), /Unknown tool/);
  });

  it('/plan and /review in the task are plan mode; a normal run after it can write', async () => {
    const { server } = await ctx.start({
      respond: byConversation({
        'add caching': [attacks, { text: 'the plan' }],
        'Review the uncommitted changes': [attacks, { text: 'looks fine' }],
        'Act on this plan': [{ toolCalls: [{ name: 'write_file', arguments: { path: 'new.txt', content: 'ok' } }] }, { text: 'done' }],
      }),
    }, { approval: 'always' }, { env: env() });
    const plan = await server.run({ task: '/plan add caching' });
    assert.equal(plan.plan, true);
    assert.equal(plan.command, 'plan');
    const review = await server.run({ task: '/review' });
    assert.equal(review.plan, true);
    unchanged();
    // "Act on this plan" is a normal run with the plan as its context.
    const act = await server.run({ task: `Act on this plan.\n\n${plan.text}` });
    assert.equal(act.plan, undefined);
    assert.equal(readFileSync(join(ctx.ws.path, 'new.txt'), 'utf8'), 'ok');
  });

  it('swarmcode run --plan: read-only from the CLI; a custom command is accepted as the TASK', async () => {
    ensureBuilt();
    writeFileSync(join(ctx.ws.path, 'a.txt'), 'alpha\n');
    const sim = await ctx.startSim({
      respond: byConversation({
        'cli plan': [attacks, { text: 'PLAN TEXT' }],
        'Deploy to staging': [{ text: 'deployed (not really)' }],
      }),
    });
    const cli = async (args: string[]) => {
      const res = await runCli(['run', '--json', '--yes', '--workspace', ctx.ws.path, '--base-url', sim.url, ...args], { HOME: home.path, MOONSHOT_API_KEY: 'k' });
      return { code: res.code, err: res.stderr, events: jsonLines(res.stdout) };
    };
    const res = await cli(['--plan', 'cli plan please']);
    assert.equal(res.code, 0, res.err);
    assert.ok(!existsSync(join(ctx.ws.path, 'cmd.txt')) && !existsSync(join(ctx.ws.path, 'new.txt')));
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\n');
    assert.ok(res.events.some((e) => e.type === 'tool_output' && !e.ok && /Unknown tool/.test(e.output)));

    writeFileSync(join(ctx.ws.path, 'deploy.md'), 'x'); // not a command folder: ignored
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(ctx.ws.path, '.swarmcode/commands'), { recursive: true });
    writeFileSync(join(ctx.ws.path, '.swarmcode/commands/deploy.md'), 'Deploy to $ARGUMENTS and report.');
    const deploy = await cli(['/deploy staging']);
    assert.equal(deploy.code, 0, deploy.err);
    const userMsg = sim.requests.at(-1)!.body.messages.find((m) => m.role === 'user');
    assert.equal(contentText(userMsg?.content), 'Deploy to staging and report.');
  });
});
