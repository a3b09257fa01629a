// Slash commands. Custom commands follow Claude Code's custom slash commands: a markdown file per
// command, optional front matter (description, argument-hint), `$ARGUMENTS` for all the text after
// the name and `$1`… for its words (docs.anthropic.com/en/docs/claude-code/slash-commands).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSources, expandTask, listCommands, parseSlash, registerCommandSource, substitute } from '../../../server/rules';
import { tempDir } from '../../support/server';

describe('rules: slash commands', () => {
  let ws: ReturnType<typeof tempDir>;
  let home: ReturnType<typeof tempDir>;
  beforeEach(() => {
    ws = tempDir();
    home = tempDir('swarmcode-home-');
    mkdirSync(join(ws.path, '.swarmcode/commands'), { recursive: true });
    mkdirSync(join(home.path, 'commands'), { recursive: true });
  });
  afterEach(() => {
    ws.cleanup();
    home.cleanup();
  });

  it('parses /name and arguments; plain text and bare slashes are not commands', () => {
    assert.deepEqual(parseSlash('/fix-issue 123 high'), { name: 'fix-issue', args: '123 high' });
    assert.deepEqual(parseSlash('  /init\n'), { name: 'init', args: '' });
    assert.equal(parseSlash('fix /this'), undefined);
    assert.equal(parseSlash('/ nothing'), undefined);
  });

  it('substitutes $ARGUMENTS and $1..$9; appends the arguments when the body has no placeholder', () => {
    assert.equal(substitute('Fix issue #$ARGUMENTS now', '123'), 'Fix issue #123 now');
    assert.equal(substitute('Review PR #$1 with priority $2 ($3)', '456 high'), 'Review PR #456 with priority high ()');
    assert.equal(substitute('Explain the code', 'src/a.ts'), 'Explain the code\n\nsrc/a.ts');
    assert.equal(substitute('Cost: $ARGUMENTS', '$1 and $ARGUMENTS'), 'Cost: $1 and $ARGUMENTS', 'arguments are not substituted twice');
  });

  it('lists built-in, project and user commands; the project wins a name over the user, built-ins over both', async () => {
    writeFileSync(join(ws.path, '.swarmcode/commands/fix-issue.md'), '---\ndescription: Fix a GitHub issue\nargument-hint: <number>\n---\nFix issue $ARGUMENTS.');
    writeFileSync(join(ws.path, '.swarmcode/commands/same.md'), 'project version');
    writeFileSync(join(home.path, 'commands/same.md'), 'user version');
    writeFileSync(join(home.path, 'commands/mine.md'), 'My own command');
    writeFileSync(join(ws.path, '.swarmcode/commands/init.md'), 'hijack /init');
    writeFileSync(join(ws.path, '.swarmcode/commands/bad name!.md'), 'x');
    const sources = commandSources(ws.path, home.path);
    const all = await listCommands(sources);
    const by = (n: string) => all.find((c) => c.name === n);
    assert.deepEqual(by('fix-issue'), { name: 'fix-issue', description: 'Fix a GitHub issue', argumentHint: '<number>', source: 'project', runsIn: 'server' });
    assert.equal(by('same')?.source, 'project');
    assert.equal(by('mine')?.source, 'user');
    assert.equal(by('mine')?.description, 'My own command');
    assert.equal(by('init')?.source, 'builtin');
    assert.equal(by('bad name!'), undefined);
    for (const n of ['init', 'plan', 'compact', 'swarm', 'undo', 'review', 'export', 'clear', 'model', 'thinking']) assert.ok(by(n), `/${n} is listed`);

    assert.deepEqual(await expandTask('/fix-issue 42', sources), { task: 'Fix issue 42.', command: 'fix-issue' });
    assert.equal((await expandTask('/same', sources)).task, 'project version');
    assert.match((await expandTask('/init', sources)).task, /write an AGENTS\.md/);
  });

  it('built-ins: /plan and /review are read-only runs, /swarm asks for a fan-out, panel commands are refused', async () => {
    const sources = commandSources(ws.path, home.path);
    assert.deepEqual(await expandTask('/plan add a cache', sources), { task: 'add a cache', plan: true, command: 'plan' });
    assert.equal((await expandTask('/review', sources)).plan, true);
    assert.match((await expandTask('/swarm rename foo everywhere', sources)).task, /spawn_swarm[\s\S]*rename foo everywhere/);
    await assert.rejects(expandTask('/plan', sources), /needs a task/);
    await assert.rejects(expandTask('/compact', sources), { name: 'CommandError', message: /chat panel command/ });
    assert.deepEqual(await expandTask('/usr/bin/env is broken', sources), { task: '/usr/bin/env is broken' }, 'not a command name: left as text');
    assert.deepEqual(await expandTask('/nosuch thing', sources), { task: '/nosuch thing' });
  });

  it('a .swarmcode/commands folder symlinked out of the workspace is not followed', async () => {
    const outside = tempDir();
    try {
      writeFileSync(join(outside.path, 'notes.md'), 'PRIVATE NOTES');
      const { rmSync, symlinkSync } = await import('node:fs');
      rmSync(join(ws.path, '.swarmcode/commands'), { recursive: true });
      symlinkSync(outside.path, join(ws.path, '.swarmcode/commands'));
      const sources = commandSources(ws.path, home.path);
      assert.equal((await listCommands(sources)).find((c) => c.name === 'notes'), undefined);
      assert.deepEqual(await expandTask('/notes', sources), { task: '/notes' });
    } finally {
      outside.cleanup();
    }
  });

  it('another source (MCP prompts) can add commands after the built-in ones', async () => {
    const off = registerCommandSource({
      list: async () => [{ name: 'mcp__srv__greet', description: 'Greets', source: 'mcp', runsIn: 'server' }],
      expand: async (name, args) => (name === 'mcp__srv__greet' ? { task: `Hello ${args}` } : undefined),
    });
    try {
      const sources = commandSources(ws.path, home.path);
      assert.equal((await listCommands(sources)).find((c) => c.name === 'mcp__srv__greet')?.source, 'mcp');
      assert.equal((await expandTask('/mcp__srv__greet Kimi', sources)).task, 'Hello Kimi');
    } finally {
      off();
    }
  });
});
