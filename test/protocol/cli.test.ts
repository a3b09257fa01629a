// `swarmcode run` as a user runs it: the dist/cli.js process, its JSON lines and exit codes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { script } from '../support/simulator';
import { jsonLines, runCli } from '../support/cli';
import { ensureBuilt, ROOT, waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('cli: swarmcode run', function () {
  this.timeout(30_000);
  const ctx = useSimServer();
  before(() => ensureBuilt());
  beforeEach(() => writeFileSync(join(ctx.ws.path, 'notes.md'), '# Notes\nTODO: ship\n'));

  it('--dialect, --max-tokens and --context-window reach every request; bad values are usage errors (exit 2)', async () => {
    const sim = await ctx.startSim({ respond: script([{ toolCalls: [{ name: 'list_files', arguments: {} }] }, { text: 'ok' }]) });
    // A gateway URL in front of Moonshot: only --dialect can tell; thinking mode then needs reasoning_content on tool-call turns.
    const res = await runCli(['run', '--json', '--workspace', ctx.ws.path, '--base-url', sim.url, '--dialect', 'moonshot', '--max-tokens', '5000', '--context-window', '65536', '--thinking', 'on', 'list'], { MOONSHOT_API_KEY: 'k' });
    assert.equal(res.code, 0, res.stderr);
    assert.equal(sim.requests.length, 2);
    for (const r of sim.requests) {
      assert.deepEqual(r.body.thinking, { type: 'enabled' });
      assert.equal(r.body.chat_template_kwargs, undefined);
      assert.equal(r.body.max_tokens, 5000);
    }
    assert.equal(sim.requests[1].body.messages.find((m) => m.role === 'assistant')?.reasoning_content, '');
    const context = jsonLines(res.stdout).find((e) => e.type === 'context');
    assert.ok(context && context.type === 'context' && context.window === 65_536);
    for (const bad of [['--dialect', 'openai'], ['--max-tokens', '-3'], ['--preset', 'nope']]) {
      const r = await runCli(['run', '--workspace', ctx.ws.path, '--base-url', sim.url, ...bad, 'x'], { MOONSHOT_API_KEY: 'k' });
      assert.equal(r.code, 2, bad.join(' '));
      assert.match(r.stderr, new RegExp(bad[0]));
    }
  });

  it('--preset fills base URL, model, key variable and dialect (Kimi Code speaks Moonshot\'s dialect)', async () => {
    const { parseRunArgs } = await import('../../cli/run');
    const opts = parseRunArgs(['--workspace', ctx.ws.path, '--preset', 'kimi-code', 'x'], { KIMI_API_KEY: 'sk-kimi' });
    assert.equal(opts.settings.baseUrl, 'https://api.kimi.com/coding/v1');
    assert.equal(opts.settings.model, 'kimi-for-coding');
    assert.equal(opts.settings.apiKey, 'sk-kimi');
    assert.equal(opts.settings.preset, 'kimi-code');
    const { resolveDialect } = await import('../../server/model/dialect');
    assert.equal(resolveDialect({ baseUrl: opts.settings.baseUrl!, preset: opts.settings.preset }), 'moonshot');
  });

  it('--json prints the event stream, one object per line, ending in run_finished', async () => {
    const sim = await ctx.startSim({
      respond: script([
        { reasoning: 'grep it', toolCalls: [{ name: 'grep', arguments: { pattern: 'TODO' } }] },
        { text: 'Found one TODO in notes.md.' },
      ]),
    });
    const res = await runCli(['run', '--json', '--workspace', ctx.ws.path, '--base-url', sim.url, '--thinking', 'on', 'find TODOs'], { MOONSHOT_API_KEY: 'k' });
    assert.equal(res.code, 0, res.stderr);
    const events = jsonLines(res.stdout);
    assert.equal(events[0].type, 'run_started');
    const types = new Set(events.map((e) => e.type));
    for (const t of ['reasoning_delta', 'text_delta', 'tool_called', 'tool_output', 'run_finished']) assert.ok(types.has(t as never), t);
    for (const e of events) assert.equal(typeof e.agentId, 'string');
    const called = events.find((e) => e.type === 'tool_called')!;
    assert.ok(called.type === 'tool_called' && called.name === 'grep' && (called.args as { pattern: string }).pattern === 'TODO');
    const out = events.find((e) => e.type === 'tool_output')!;
    assert.ok(out.type === 'tool_output' && out.ok && out.output.includes('notes.md'));
    const last = events.at(-1)!;
    assert.equal(last.type, 'run_finished');
    if (last.type !== 'run_finished') return;
    assert.equal(last.status, 'done');
    assert.equal(last.summary.steps, 2);
    assert.equal(last.summary.toolCalls, 1);
    assert.ok(last.summary.wallMs > 0);
    assert.deepEqual(Object.keys(last.summary.tokens).sort(), ['cachedInput', 'input', 'output']);
    // The second request reused the first one's prefix: the simulator reports cached tokens.
    assert.ok(last.summary.tokens.cachedInput > 0);
  });

  it('streams readable text by default and edits the workspace', async () => {
    const sim = await ctx.startSim({
      respond: script([
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'notes.md', old_string: 'TODO: ship', new_string: 'DONE: shipped' } }] },
        { text: 'Marked it done.' },
      ]),
    });
    const res = await runCli(['run', '--workspace', ctx.ws.path, '--base-url', sim.url, 'mark done'], { MOONSHOT_API_KEY: 'k' });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Marked it done\./);
    assert.match(res.stderr, /edit_file/);
    assert.equal(readFileSync(join(ctx.ws.path, 'notes.md'), 'utf8'), '# Notes\nDONE: shipped\n');
  });

  it('exits 2 with set-up advice when no key is set for Moonshot', async () => {
    const res = await runCli(['run', '--workspace', ctx.ws.path, 'hello'], {});
    assert.equal(res.code, 2);
    assert.match(res.stderr, /MOONSHOT_API_KEY/);
    assert.match(res.stderr, /export MOONSHOT_API_KEY=/);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await runCli(['run', '--workspace', ctx.ws.path, '--thinking', 'maybe', 'x'], { MOONSHOT_API_KEY: 'k' })).code, 2);
    assert.equal((await runCli(['run', '--bogus', 'x'], { MOONSHOT_API_KEY: 'k' })).code, 2);
    assert.equal((await runCli(['run'], { MOONSHOT_API_KEY: 'k' })).code, 2);
    assert.equal((await runCli(['frobnicate'])).code, 2);
    const res = await runCli(['run', '--workspace', join(ctx.ws.path, 'nope'), 'x'], { MOONSHOT_API_KEY: 'k' });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /nope/);
  });

  it('exits 1 when the run fails (rejected key), with the reason', async () => {
    const sim = await ctx.startSim({ apiKey: 'right' });
    const res = await runCli(['run', '--json', '--workspace', ctx.ws.path, '--base-url', sim.url, '--api-key-env', 'MY_KEY', 'x'], { MY_KEY: 'wrong' });
    assert.equal(res.code, 1);
    const events = jsonLines(res.stdout);
    assert.ok(events.some((e) => e.type === 'error'));
    const last = events.at(-1)!;
    assert.ok(last.type === 'run_finished' && last.status === 'failed');
  });

  it('--worktrees reaches the server: outside a git repository the run fails saying why', async () => {
    const sim = await ctx.startSim({ respond: script([{ text: 'never asked' }]) });
    const res = await runCli(['run', '--worktrees', '--workspace', ctx.ws.path, '--base-url', sim.url, 'x'], { MOONSHOT_API_KEY: 'k' });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /worktrees need a git repository/);
    assert.equal(sim.requests.length, 0);
  });

  it('exits 1 with a clear message when the server dies mid-run', async () => {
    const res = await runCli(['run', '--workspace', ctx.ws.path, '--base-url', 'http://127.0.0.1:9/v1', 'x'], {
      MOONSHOT_API_KEY: 'k',
      SWARMCODE_SERVER: join(ROOT, 'test/protocol/fixtures/crashing-server.js'),
    });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /server exited unexpectedly \(code 3\)/);
  });

  it('exits 130 after SIGINT, cancelling the run first', async () => {
    const sim = await ctx.startSim({ respond: script([{ text: 'slow '.repeat(400), latency: { tokensPerSec: 50 } }]) });
    let child!: ReturnType<typeof spawn>;
    let out = '';
    const done = runCli(['run', '--json', '--workspace', ctx.ws.path, '--base-url', sim.url, 'x'], { MOONSHOT_API_KEY: 'k' }, (c) => {
      child = c;
      c.stdout!.on('data', (d) => (out += d));
    });
    await waitFor(() => out.includes('text_delta'), 10_000, 'streaming');
    child.kill('SIGINT');
    const res = await done;
    assert.equal(res.code, 130);
    const last = jsonLines(res.stdout).at(-1)!;
    assert.ok(last.type === 'run_finished' && last.status === 'cancelled', 'the run was cancelled before exiting');
    await sim.requests[0].finished;
  });
});
