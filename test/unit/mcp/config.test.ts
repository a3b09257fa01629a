// MCP configuration in VS Code's mcp.json shape
// (https://code.visualstudio.com/docs/copilot/customization/mcp-servers#_configuration-format),
// tool names as the chat APIs accept them (OpenAI function names ^[a-zA-Z0-9_-]{1,64}$), JSONC.
import assert from 'node:assert/strict';
import { mergeServers, parseMcpConfig, substitute } from '../../../server/mcp/config';
import { mcpToolName, mcpToolNames, mcpPromptCommand, MAX_TOOL_NAME } from '../../../server/mcp/names';
import { parseJsonc } from '../../../server/mcp/jsonc';
import { policyFor } from '../../../server/approval';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../../server/protocol';
import { loadMcpConfigs } from '../../../cli/mcp-config';
import { parseRunArgs, UsageError } from '../../../cli/run';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../support/server';

describe('mcp: configuration', () => {
  it('reads the mcp.json shape and the bare map of the setting alike', () => {
    const servers = {
      fs: { type: 'stdio', command: 'npx', args: ['-y', 'server'], env: { A: '1' }, cwd: 'sub' },
      web: { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' } },
      old: { type: 'sse', url: 'http://127.0.0.1:9/sse' },
    };
    const a = parseMcpConfig({ servers, inputs: [] }, 'workspace');
    const b = parseMcpConfig(servers, 'user');
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
    assert.deepEqual(a.servers.map((s) => s.config), b.servers.map((s) => s.config));
    assert.deepEqual(a.servers[0].config, { type: 'stdio', command: 'npx', args: ['-y', 'server'], env: { A: '1' }, cwd: 'sub' });
    assert.equal(a.servers[0].source, 'workspace');
    // `type` may be left out (VS Code infers it from command / url).
    assert.equal(parseMcpConfig({ x: { command: 'node' }, y: { url: 'http://127.0.0.1:1/mcp' } }, 'user').servers.map((s) => s.config.type).join(), 'stdio,http');
  });

  it('reports hostile or broken entries one by one and keeps the valid ones', () => {
    const { servers, errors } = parseMcpConfig(
      {
        servers: {
          good: { type: 'stdio', command: 'node' },
          'bad name!': { type: 'stdio', command: 'node' },
          nocmd: { type: 'stdio' },
          nul: { type: 'stdio', command: 'no\0de' },
          args: { type: 'stdio', command: 'node', args: 'not-a-list' },
          file: { type: 'http', url: 'file:///etc/passwd' },
          crlf: { type: 'http', url: 'http://127.0.0.1/', headers: { X: 'a\r\nInjected: 1' } },
          weird: { type: 'websocket', url: 'ws://x' },
          num: 42,
          proto: { type: 'stdio', command: 'node', env: { __proto__: 'x' } },
        },
      },
      'workspace',
    );
    assert.deepEqual(servers.map((s) => s.name), ['good', 'proto']);
    assert.equal(errors.length, 8, errors.join('\n'));
    for (const [name, why] of [['bad name!', 'invalid'], ['nocmd', 'needs "command"'], ['nul', 'NUL'], ['args', 'array of strings'], ['file', 'http(s)'], ['crlf', 'line break'], ['weird', 'unknown "type"'], ['num', 'must be an object']]) {
      assert.ok(errors.some((e) => e.includes(name) && e.includes(why)), `${name}: ${why} in\n${errors.join('\n')}`);
    }
    assert.deepEqual(parseMcpConfig([1, 2], 'user').errors, ['user: MCP configuration must be a JSON object']);
    assert.match(parseMcpConfig({ servers: 'x' }, 'user').errors[0], /"servers" must be an object/);
  });

  it('later sources win by name, sorted; ${workspaceFolder} is substituted', () => {
    const user = parseMcpConfig({ b: { command: 'user-b' }, a: { command: 'user-a' } }, 'user').servers;
    const cli = parseMcpConfig({ b: { command: 'cli-b' } }, 'cli').servers;
    const merged = mergeServers(user, cli);
    assert.deepEqual(merged.map((s) => `${s.name}:${(s.config as { command: string }).command}`), ['a:user-a', 'b:cli-b']);
    const sub = substitute({ type: 'stdio', command: '${workspaceFolder}/bin', args: ['--root', '${workspaceFolder}'], env: { R: '${workspaceFolder}' } }, '/ws');
    assert.deepEqual(sub, { type: 'stdio', command: '/ws/bin', args: ['--root', '/ws'], env: { R: '/ws' } });
  });

  it('JSONC: comments and trailing commas outside strings, strings untouched', () => {
    const v = parseJsonc('{ // c\n "a": "http://x//y", /* b */ "b": [1, 2,], "c": "x,}",\n}');
    assert.deepEqual(v, { a: 'http://x//y', b: [1, 2], c: 'x,}' });
    assert.throws(() => parseJsonc('{"a": 1 /* open'), /Unterminated comment/);
    assert.throws(() => parseJsonc('{"a": }'), SyntaxError);
  });

  it('CLI --mcp-config: files merge, the later wins; a broken file is an error naming it', () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'a.json'), '{"servers": {"x": {"command": "a"}, "y": {"command": "y"}}}');
      writeFileSync(join(dir.path, 'b.json'), '// comment\n{"servers": {"x": {"type": "http", "url": "http://127.0.0.1:1/mcp"},}}');
      writeFileSync(join(dir.path, 'bad.json'), '{"servers": {"x": {"type": "stdio"}}}');
      const s = loadMcpConfigs([join(dir.path, 'a.json'), join(dir.path, 'b.json')], ['y']);
      assert.deepEqual(s.mcpServers, { x: { type: 'http', url: 'http://127.0.0.1:1/mcp' }, y: { type: 'stdio', command: 'y' } });
      assert.deepEqual(s.mcpApproval, { y: 'always' });
      assert.throws(() => loadMcpConfigs([join(dir.path, 'bad.json')]), /bad\.json.*"x" a stdio server needs "command"/);
      assert.throws(() => loadMcpConfigs([join(dir.path, 'missing.json')]), /missing\.json.*ENOENT/);
      // Through `swarmcode run`'s parser: the servers go to the settings; a bad file is a usage error (exit 2).
      const env = { MOONSHOT_API_KEY: 'sk-test' };
      const opts = parseRunArgs(['--workspace', dir.path, '--mcp-config', join(dir.path, 'a.json'), '--mcp-allow', 'x', 'do it'], env);
      assert.deepEqual(Object.keys(opts.settings.mcpServers ?? {}), ['x', 'y']);
      assert.deepEqual(opts.settings.mcpApproval, { x: 'always' });
      assert.throws(() => parseRunArgs(['--workspace', dir.path, '--mcp-config', join(dir.path, 'bad.json'), 'do it'], env), UsageError);
    } finally {
      dir.cleanup();
    }
  });
});

describe('mcp: tool names', () => {
  const API_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
  it('mcp__SERVER__TOOL, sanitised to what the API accepts', () => {
    assert.equal(mcpToolName('everything', 'get-tiny-image'), 'mcp__everything__get-tiny-image');
    assert.equal(mcpToolName('my.server', 'do thing/now'), 'mcp__my_server__do_thing_now');
    assert.match(mcpToolName('s', 'ünïcødé✓'), API_NAME);
  });
  it('at most 64 characters, distinct when cut or when two names clean alike', () => {
    const long1 = mcpToolName('server', 'x'.repeat(100) + '1');
    const long2 = mcpToolName('server', 'x'.repeat(100) + '2');
    assert.equal(long1.length, MAX_TOOL_NAME);
    assert.match(long1, API_NAME);
    assert.notEqual(long1, long2);
    const [a, b] = mcpToolNames('s', ['a.b', 'a_b']);
    assert.equal(a, 'mcp__s__a_b');
    assert.notEqual(a, b);
    assert.match(b, API_NAME);
  });
  it('prompt commands are /mcp.SERVER.PROMPT (VS Code)', () => {
    assert.equal(mcpPromptCommand('everything', 'args-prompt'), 'mcp.everything.args-prompt');
  });
});

describe('mcp: approval policy', () => {
  const settings = (over: Partial<ServerSettings>): ServerSettings => ({ ...DEFAULT_SETTINGS, ...over });
  it('asks by default; server or tool entries allow or refuse; toolApproval wins; --yes runs them', () => {
    const tool = 'mcp__my_server__do';
    assert.equal(policyFor(settings({}), tool), 'ask');
    // The built-in tools keep their own default.
    assert.equal(policyFor(settings({}), 'read_file'), 'always');
    // A server entry by its configured name (my.server is sanitised to my_server in tool names).
    assert.equal(policyFor(settings({ mcpApproval: { 'my.server': 'always' } }), tool), 'always');
    assert.equal(policyFor(settings({ mcpApproval: { 'my.server': 'always' } }), 'mcp__my_server2__do'), 'ask');
    assert.equal(policyFor(settings({ mcpApproval: { 'my.server': 'always', [tool]: 'never' } }), tool), 'never');
    assert.equal(policyFor(settings({ mcpApproval: { [tool]: 'always' }, toolApproval: { [tool]: 'ask' } }), tool), 'ask');
    assert.equal(policyFor(settings({ approval: 'always' }), tool), 'always');
    // The CLI without --yes (allowlist): asked, and the CLI declines visibly.
    assert.equal(policyFor(settings({ approval: 'allowlist' }), tool), 'ask');
  });
});

describe('mcp: prompt arguments typed after a command', () => {
  it('name=value pairs (quoted values), else words in declared order, the last taking the rest', async () => {
    const { promptArgs } = await import('../../../server/mcp/prompts');
    assert.deepEqual(promptArgs('city="New York" state=NY', ['city', 'state']), { city: 'New York', state: 'NY' });
    assert.deepEqual(promptArgs('Paris', ['city', 'state']), { city: 'Paris' });
    assert.deepEqual(promptArgs('Lyon Auvergne Rhone Alpes', ['city', 'state']), { city: 'Lyon', state: 'Auvergne Rhone Alpes' });
    // A pair naming no declared argument is just words.
    assert.deepEqual(promptArgs('x=1', ['text']), { text: 'x=1' });
    assert.deepEqual(promptArgs('', ['a']), {});
  });
});
