// Project rules, skills and commands in a multi-root workspace (LSP `workspaceFolders`, every
// folder a root), through the spawned server and the model simulator. Conventions: agents.md
// (https://agents.md: AGENTS.md at a project's root, "the closest AGENTS.md to the edited file
// wins"), CLAUDE.md as Claude Code's name for it, Agent Skills (SKILL.md front matter), Claude
// Code custom slash commands. Each folder's rules reach every prompt labelled with the folder's
// name, in folder order, read once per run (the prefix stays byte-identical between steps and
// across sub-agents, so the provider's prefix cache keeps hitting). Hostile roots: a huge
// AGENTS.md, an AGENTS.md linked to a secret outside the root, a Windows-1252 CLAUDE.md.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandsRequest, type SwarmEvent } from '../../server/protocol';
import { byConversation, contentText, type SimMessage } from '../support/simulator';
import { tempDir, usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

const put = (root: string, rel: string, text: string | Buffer) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const toolResults = (messages: SimMessage[]) => messages.filter((m) => m.role === 'tool').map((m) => contentText(m.content));
const systemOf = (messages: SimMessage[]) => contentText(messages.find((m) => m.role === 'system')?.content);
const errors = (events: SwarmEvent[] | undefined) => (events ?? []).flatMap((e) => (e.type === 'error' ? [e.message] : []));

describe('protocol: rules, skills and commands of every root (multi-root)', function () {
  this.timeout(60_000);
  usePrivateJournalDir();
  const ctx = useSimServer({ settings: { approval: 'always' } });
  let home: ReturnType<typeof tempDir>;
  let outside: ReturnType<typeof tempDir>;
  let api = '';
  let web = '';
  let lib = '';
  const env = () => ({ ...process.env, HOME: home.path, SWARMCODE_CONFIG_DIR: '' });
  /** A server on the three roots, with the temp HOME. */
  const startServer = () => ctx.startServer({}, { workspace: [api, web, lib], env: env() });

  beforeEach(() => {
    home = tempDir('swarmcode-home-');
    outside = tempDir('swarmcode-secret-');
    api = join(ctx.ws.path, 'api');
    web = join(ctx.ws.path, 'web');
    lib = join(ctx.ws.path, 'lib');
    put(api, 'AGENTS.md', 'API-RULE: run make check');
    put(api, 'pkg/AGENTS.md', 'API-PKG-RULE: generated, do not hand-edit');
    put(api, 'pkg/x.ts', '// api x\n');
    put(api, '.swarmcode/skills/deploy/SKILL.md', '---\nname: deploy\ndescription: API deploy steps\n---\nbody');
    put(api, '.swarmcode/commands/ship.md', 'API-SHIP $ARGUMENTS');
    // Huge: cut at the per-file cap, with a marker; the other roots' rules are all there.
    put(web, 'AGENTS.md', `WEB-RULE: tabs\n${'w'.repeat(300_000)}\nWEB-TAIL`);
    put(web, 'ui/AGENTS.md', 'WEB-UI-RULE: React function components');
    put(web, 'ui/y.ts', '// web y\n');
    put(web, '.swarmcode/skills/lint/SKILL.md', '---\nname: lint\ndescription: WEB lint steps\n---\nbody');
    put(web, '.swarmcode/commands/ship.md', 'WEB-SHIP $ARGUMENTS');
    // A link to a secret outside the root: never read, the user told; CLAUDE.md (Windows-1252) stands in.
    writeFileSync(join(outside.path, 'id_rsa'), 'BEGIN-PRIVATE-KEY');
    mkdirSync(lib);
    symlinkSync(join(outside.path, 'id_rsa'), join(lib, 'AGENTS.md'));
    put(lib, 'CLAUDE.md', Buffer.from('LIB-RULE: café, naïve, « déjà vu »\n', 'latin1'));
  });
  afterEach(() => {
    for (const d of [home, outside]) d.cleanup();
  });

  it('every root\'s rules in the system prompt, labelled and in folder order; nested rules in each root; skills of both', async () => {
    const sim = await ctx.startSim({
      respond: byConversation({
        'TASK-MAIN': [
          { toolCalls: [{ name: 'read_file', arguments: { path: 'api/pkg/x.ts' } }] },
          { toolCalls: [{ name: 'read_file', arguments: { path: 'web/ui/y.ts' } }] },
          { toolCalls: [{ name: 'create_subagent', arguments: { name: 'reader', system_prompt: 'Read files.' } }] },
          { toolCalls: [{ name: 'assign_task', arguments: { agent: 'reader', task: 'SUBTASK: read web/ui/y.ts' } }] },
          { text: 'done' },
        ],
        SUBTASK: [{ toolCalls: [{ name: 'read_file', arguments: { path: 'web/ui/y.ts' } }] }, { text: 'read it' }],
      }),
    });
    const server = await startServer();
    const result = await server.run({ task: 'TASK-MAIN: look around' });
    assert.equal(result.status, 'done', result.error);

    const main = sim.requests.filter((r) => r.conversation.includes('TASK-MAIN'));
    const sub = sim.requests.filter((r) => r.conversation.includes('SUBTASK'));
    const system = systemOf(main[0].body.messages);
    const at = (s: string) => system.indexOf(s);
    assert.ok(at('<rules source="api/AGENTS.md">\nAPI-RULE') > 0, system.slice(0, 3000));
    assert.ok(at('<rules source="web/AGENTS.md">\nWEB-RULE') > at('API-RULE'), 'folder order: api, web, lib');
    assert.ok(at('<rules source="lib/CLAUDE.md">\nLIB-RULE: café, naïve, « déjà vu »') > at('WEB-RULE'), 'the Windows-1252 file decoded');
    assert.match(system, /w\n\[… cut at 32 KiB\]\n<\/rules>/);
    assert.equal(at('WEB-TAIL'), -1, 'the huge file is cut');
    assert.ok(at('LIB-RULE') < at('Workspace folders (a multi-root workspace'), 'rules come before the per-workspace context');
    assert.match(system, /each workspace folder's AGENTS\.md, labelled with the folder's name/);
    assert.match(system, /- deploy: API deploy steps\n- lint: WEB lint steps/);
    for (const nested of ['API-PKG-RULE', 'WEB-UI-RULE']) assert.equal(at(nested), -1, `${nested} is not in the prompt prefix`);
    for (const r of sim.requests) assert.ok(!JSON.stringify(r.body).includes('BEGIN-PRIVATE-KEY'), 'the linked secret is never sent');

    // The user is told what was left out or cut (and nothing else).
    assert.deepEqual(errors(server.events.get(result.runId)), [
      'lib/AGENTS.md was not read: it is a link to a file outside its folder, which is never read.',
      `web/AGENTS.md is ${Buffer.byteLength(`WEB-RULE: tabs\n${'w'.repeat(300_000)}\nWEB-TAIL`)} bytes: only its first 32 KiB reach the model.`,
    ]);

    // Nested rules of each root, labelled with its folder, with the first tool result there.
    assert.match(toolResults(main[1].body.messages)[0], /^\[Rules from api\/pkg\/AGENTS\.md — they apply to files under api\/pkg\/[\s\S]*API-PKG-RULE[\s\S]*\/\/ api x/);
    assert.match(toolResults(main[2].body.messages)[1], /^\[Rules from web\/ui\/AGENTS\.md[\s\S]*WEB-UI-RULE[\s\S]*\/\/ web y/);

    // Stable prefix: the system prompt is the same at every step, earlier turns byte-identical.
    for (const r of main) assert.equal(systemOf(r.body.messages), system);
    assert.deepEqual(main[2].body.messages.slice(0, main[1].body.messages.length), main[1].body.messages);
    // The sub-agent: the same rules after its own system prompt, its own nested-rules memory.
    const shared = (s: string) => s.slice(s.indexOf('Rules for this workspace'));
    assert.equal(shared(systemOf(sub[0].body.messages)), shared(system));
    assert.match(toolResults(sub[1].body.messages)[0], /WEB-UI-RULE/);
  });

  it('swarm/commands lists every root\'s commands (the first folder owns /ship, the second\'s is /web:ship), both expand, /init asks for one AGENTS.md per folder', async () => {
    const sim = await ctx.startSim({ respond: byConversation({}, () => ({ text: 'ok' })) });
    const server = await startServer();
    const list = await server.connection.sendRequest(CommandsRequest, {});
    const project = list.filter((c) => c.source === 'project').map((c) => `${c.name} ${c.folder}`).sort();
    assert.deepEqual(project, ['ship api', 'web:ship web']);
    for (const [task, want] of [['/ship v1', 'API-SHIP v1'], ['/web:ship v2', 'WEB-SHIP v2']]) {
      const result = await server.run({ task });
      assert.equal(result.status, 'done', result.error);
      assert.equal(contentText(sim.requests.at(-1)!.body.messages.find((m) => m.role === 'user')?.content), want);
    }
    // /init asks for one AGENTS.md per folder (a bare AGENTS.md path names no folder and is refused).
    const init = await server.run({ task: '/init' });
    assert.equal(init.command, 'init');
    assert.match(contentText(sim.requests.at(-1)!.body.messages.find((m) => m.role === 'user')?.content), /several folders \(api, web, lib\): write one AGENTS\.md at the root of each \(api\/AGENTS\.md, web\/AGENTS\.md, lib\/AGENTS\.md\)/);
  });
});
