// The MCP client against real servers: the reference "everything" and "filesystem" servers from npm
// over stdio, streamable HTTP and legacy SSE, and a server written here that crashes mid-call.
// Contract: MCP spec 2025-06-18 — basic/lifecycle (initialize), basic/transports (stdio, streamable
// HTTP, backwards compatibility with HTTP+SSE), server/tools (tools/list, tools/call, Tool Result
// content types, isError, notifications/tools/list_changed, ToolAnnotations.readOnlyHint),
// basic/utilities/cancellation (a timed-out request is cancelled).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpManager } from '../../../server/mcp/manager';
import type { McpServerConfig, McpServerEntry } from '../../../server/mcp/config';
import { ToolError, type Tool, type ToolContext } from '../../../server/tools/types';
import { crashyStdio, everythingStdio, filesystemStdio, hostileStdio, memoryLog, startEverythingHttp } from '../../support/mcp';
import { MAX_TOOLS_PER_SERVER } from '../../../server/mcp/manager';
import { MAX_DESCRIPTION } from '../../../server/mcp/adapter';
import { MAX_IMAGES } from '../../../server/mcp/result';
import { tempDir } from '../../support/server';

const ctx = { runId: 'r', agentId: 'main' } as ToolContext;
const never = new AbortController().signal;

/** `timeoutMs`: the tool-call timeout, or a function read at each call. */
function manager(servers: Record<string, McpServerConfig>, opts: { timeoutMs?: number | (() => number); source?: McpServerEntry['source']; confirm?: boolean } = {}) {
  const log = memoryLog();
  const m = new McpManager({
    root: process.cwd(),
    log,
    timeoutMs: () => (typeof opts.timeoutMs === 'function' ? opts.timeoutMs() : (opts.timeoutMs ?? 20_000)),
    ...(opts.confirm !== undefined ? { confirmStart: async () => opts.confirm! } : {}),
  });
  m.configure(Object.entries(servers).map(([name, config]) => ({ name, config, source: opts.source ?? 'user' })));
  return { m, log };
}

const byName = (tools: Tool[], name: string) => {
  const t = tools.find((x) => x.name === name);
  assert.ok(t, `${name} in ${tools.map((x) => x.name).join(', ')}`);
  return t;
};

describe('mcp: real servers', function () {
  this.timeout(60_000);
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('everything over stdio: tools with their schemas and readOnlyHint, text and image results', async () => {
    const { m } = manager({ everything: everythingStdio });
    cleanups.push(() => m.close());
    const { tools, problems } = await m.tools(never);
    assert.deepEqual(problems, []);
    // Sorted by name: the declared list (and so the prompt prefix) is stable.
    assert.deepEqual(tools.map((t) => t.name), [...tools.map((t) => t.name)].sort());
    const echo = byName(tools, 'mcp__everything__echo');
    assert.equal(echo.inputSchema?.type, 'object');
    assert.deepEqual(Object.keys(echo.inputSchema!.properties as object), ['message']);
    assert.equal(echo.readOnlyHint, true);
    assert.equal(echo.mutating, false);
    assert.equal(byName(tools, 'mcp__everything__toggle-simulated-logging').mutating, true);
    assert.deepEqual(await echo.run({ message: 'hi there' }, ctx, never), { text: 'Echo: hi there' });
    const image = (await byName(tools, 'mcp__everything__get-tiny-image').run({}, ctx, never)) as { text: string; images: { mimeType: string; data: string }[] };
    assert.equal(image.images.length, 1);
    assert.equal(image.images[0].mimeType, 'image/png');
    assert.equal(Buffer.from(image.images[0].data, 'base64').subarray(1, 4).toString(), 'PNG');
    assert.match(image.text, /\[image 1: image\/png\]/);
  });

  it('everything over streamable HTTP, and over legacy SSE (explicit and as the http fallback)', async () => {
    const http = await startEverythingHttp('streamableHttp');
    cleanups.push(() => http.close());
    const sse = await startEverythingHttp('sse');
    cleanups.push(() => sse.close());
    const { m } = manager({ web: { type: 'http', url: http.url }, legacy: { type: 'sse', url: sse.url }, fallback: { type: 'http', url: sse.url } });
    cleanups.push(() => m.close());
    const { tools, problems } = await m.tools(never);
    assert.deepEqual(problems, []);
    for (const server of ['web', 'legacy', 'fallback']) {
      assert.deepEqual(await byName(tools, `mcp__${server}__get-sum`).run({ a: 2, b: 40 }, ctx, never), { text: 'The sum of 2 and 40 is 42.' });
    }
  });

  it('an HTTP server that restarts (its session gone): one failed call, then the next reconnects', async () => {
    let http = await startEverythingHttp('streamableHttp');
    cleanups.push(() => http.close());
    const { m } = manager({ web: { type: 'http', url: http.url } });
    cleanups.push(() => m.close());
    const { tools } = await m.tools(never);
    const sum = byName(tools, 'mcp__web__get-sum');
    assert.deepEqual(await sum.run({ a: 1, b: 1 }, ctx, never), { text: 'The sum of 1 and 1 is 2.' });
    await http.close();
    http = await startEverythingHttp('streamableHttp', http.port);
    cleanups.push(() => http.close());
    await assert.rejects(sum.run({ a: 1, b: 2 }, ctx, never), ToolError);
    assert.deepEqual(await sum.run({ a: 1, b: 2 }, ctx, never), { text: 'The sum of 1 and 2 is 3.' });
  });

  it('filesystem over stdio: reads inside its allowed folder, an error result outside it', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.cleanup());
    mkdirSync(join(dir.path, 'allowed'));
    writeFileSync(join(dir.path, 'allowed/note.txt'), 'from the filesystem server');
    writeFileSync(join(dir.path, 'secret.txt'), 'outside');
    const { m } = manager({ fs: filesystemStdio(join(dir.path, 'allowed')) });
    cleanups.push(() => m.close());
    const { tools } = await m.tools(never);
    const read = byName(tools, 'mcp__fs__read_text_file');
    assert.equal(read.readOnlyHint, true);
    assert.match(((await read.run({ path: join(dir.path, 'allowed/note.txt') }, ctx, never)) as { text: string }).text, /from the filesystem server/);
    await assert.rejects(read.run({ path: join(dir.path, 'secret.txt') }, ctx, never), (e: unknown) => e instanceof ToolError && /denied|outside|not allowed/i.test(e.message));
  });

  it('a server that crashes mid-call: the model gets an error, the next call restarts it; stderr goes to the log', async () => {
    const { m, log } = manager({ crashy: crashyStdio });
    cleanups.push(() => m.close());
    const { tools } = await m.tools(never);
    const ping = byName(tools, 'mcp__crashy__ping');
    const pid1 = ((await ping.run({}, ctx, never)) as { text: string }).text;
    await assert.rejects(byName(tools, 'mcp__crashy__crash').run({}, ctx, never), (e: unknown) => e instanceof ToolError && /stopped during the call.*restarted on the next call/.test(e.message));
    const pid2 = ((await ping.run({}, ctx, never)) as { text: string }).text;
    assert.match(pid2, /^pong \d+$/);
    assert.notEqual(pid1, pid2);
    assert.equal(m.connection('crashy')!.starts, 2);
    assert.ok(log.lines.some((l) => l.includes('[mcp crashy] crashy: crashing now')), log.lines.join('\n'));
  });

  it('a server that crashes again and again is reported broken, not restarted forever', async () => {
    const { m } = manager({ crashy: crashyStdio });
    cleanups.push(() => m.close());
    const { tools } = await m.tools(never);
    const crash = byName(tools, 'mcp__crashy__crash');
    for (let i = 0; i < 3; i++) await assert.rejects(crash.run({}, ctx, never), /stopped during the call/);
    await assert.rejects(byName(tools, 'mcp__crashy__ping').run({}, ctx, never), /stopped 3 times within a minute/);
    assert.equal(m.connection('crashy')!.state, 'broken');
  });

  it('a call past its timeout is cancelled and reported; the server keeps serving', async () => {
    let timeoutMs = 300;
    const { m } = manager({ crashy: crashyStdio }, { timeoutMs: () => timeoutMs });
    cleanups.push(() => m.close());
    const { tools } = await m.tools(never);
    await assert.rejects(byName(tools, 'mcp__crashy__hang').run({}, ctx, never), (e: unknown) => e instanceof ToolError && /did not finish within 300 ms/.test(e.message));
    // The next call gets the usual time: 300 ms for a round trip to a child process raced a
    // loaded machine.
    timeoutMs = 20_000;
    assert.match(((await byName(tools, 'mcp__crashy__ping').run({}, ctx, never)) as { text: string }).text, /^pong/);
  });

  it('isError results reach the model as errors', async () => {
    const { m } = manager({ crashy: crashyStdio });
    cleanups.push(() => m.close());
    const { tools } = await m.tools(never);
    await assert.rejects(byName(tools, 'mcp__crashy__fail').run({}, ctx, never), (e: unknown) => e instanceof ToolError && /reported an error:\nit went wrong/.test(e.message));
  });

  it('notifications/tools/list_changed: the run’s tool list gains the new tool', async () => {
    const { m } = manager({ crashy: crashyStdio });
    cleanups.push(() => m.close());
    const run = await m.forRun([], never);
    cleanups.push(() => run.dispose());
    assert.ok(!run.tools.some((t) => t.name === 'mcp__crashy__added'));
    await byName(run.tools, 'mcp__crashy__add_tool').run({}, ctx, never);
    const end = Date.now() + 10_000;
    while (!run.tools.some((t) => t.name === 'mcp__crashy__added') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await byName(run.tools, 'mcp__crashy__added').run({}, ctx, never), { text: 'added works' });
  });

  it('stdio servers get a scrubbed environment: no provider API key', async () => {
    process.env.MOONSHOT_API_KEY = 'sk-test-secret-key-123';
    cleanups.push(() => delete process.env.MOONSHOT_API_KEY);
    const { m } = manager({ crashy: { ...crashyStdio, env: { MY_SETTING: 'x' } } as McpServerConfig });
    cleanups.push(() => m.close());
    const { tools } = await m.tools(never);
    const names = ((await byName(tools, 'mcp__crashy__env').run({}, ctx, never)) as { text: string }).text.split('\n');
    assert.ok(names.includes('MY_SETTING'));
    assert.ok(names.includes('PATH'));
    assert.ok(!names.includes('MOONSHOT_API_KEY'), names.join(','));
  });

  it('a server that cannot start is reported with its reason; the others still work', async () => {
    const { m } = manager({ missing: { type: 'stdio', command: '/nonexistent/mcp-server' }, down: { type: 'http', url: 'http://127.0.0.1:9/mcp' }, everything: everythingStdio });
    cleanups.push(() => m.close());
    const { tools, problems } = await m.tools(never);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.ok(problems.some((p) => /"missing" failed to start: .*ENOENT/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /"down" failed to start/.test(p)), problems.join('\n'));
    assert.ok(tools.some((t) => t.name === 'mcp__everything__echo'));
  });

  it('a workspace server the user does not allow is never started', async () => {
    const { m } = manager({ ws: crashyStdio }, { source: 'workspace', confirm: false });
    cleanups.push(() => m.close());
    const { tools, problems } = await m.tools(never);
    assert.deepEqual(tools, []);
    assert.match(problems[0], /not started: the user did not allow it/);
    assert.equal(m.connection('ws')!.starts, 0);
  });

  it('a hostile server: too many tools, a broken schema, a huge description, an odd name, too many images', async () => {
    const { m } = manager({ hostile: hostileStdio });
    cleanups.push(() => m.close());
    const { tools, problems } = await m.tools(never);
    assert.equal(tools.length, MAX_TOOLS_PER_SERVER);
    assert.match(problems.join('\n'), /offers 70 tools; only the first 64 by name are declared/);
    for (const t of tools) assert.match(t.name, /^[a-zA-Z0-9_-]{1,64}$/);
    const bad = byName(tools, 'mcp__hostile__bad_schema');
    assert.deepEqual(bad.inputSchema, { type: 'object', properties: {}, additionalProperties: true });
    assert.match(bad.description, /schema was left out \(its properties are not schemas\)/);
    const weird = byName(tools, 'mcp__hostile__a_weird_name__');
    assert.ok(weird.description.length < MAX_DESCRIPTION + 200);
    assert.deepEqual(await weird.run({ a: 'x' }, ctx, never), { text: 'called a weird name/ü with {"a":"x"}' });
    const images = (await byName(tools, 'mcp__hostile__many_images').run({}, ctx, never)) as { text: string; images: unknown[] };
    assert.equal(images.images.length, MAX_IMAGES);
    assert.equal((images.text.match(/not shown: over 8 images/g) ?? []).length, 12 - MAX_IMAGES);
  });
});
