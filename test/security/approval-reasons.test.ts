// The hardening approval queue and the sandbox together, through the real server bundle and real
// bubblewrap: every question says why it is asked; "allow for this run" covers the exact command
// with the same reason (a grant inside the sandbox is none outside it) or the one file for writes
// to code-running config files; `never` refuses commands and those writes without asking; and the
// sandbox settings are checked at the protocol edge like every other setting.
//
// References: LSP 3.17 server → client requests and `$/cancelRequest`; JSON-RPC 2.0 §5.1 -32602
// "Invalid params"; bubblewrap(1) (the sandbox the commands run in); npm's .npmrc `node-options`
// (docs.npmjs.com "config": node-options is passed to every script npm runs), why a write of
// .npmrc is asked about at all.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApprovalParams, ApprovalResult } from '../../server/protocol';
import { ApprovalRequest } from '../../server/protocol';
import { script } from '../support/simulator';
import { ROOT, ensureBuilt, waitFor } from '../support/server';
import { useSimServer } from '../support/sim-server';
import { detectSandbox } from '../../server/sandbox/detect';
import { calls, session, type Session } from './harness';

describe('security: approvals with the sandbox', function () {
  this.timeout(60_000);
  let s: Session | undefined;
  // Before the fixture's hook: the session's server stops before its workspace goes.
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const ctx = useSimServer();
  beforeEach(() => {
    writeFileSync(join(ctx.ws.path, 'a.txt'), 'alpha\n');
  });

  it('a "for this run" grant of a sandboxed command does not cover the same command outside the sandbox', async function () {
    if (!detectSandbox().kind) this.skip();
    const { server } = await ctx.start({
      respond: script([
        { toolCalls: [{ name: 'run_command', arguments: { command: 'echo in >> log.txt' } }] },
        { toolCalls: [{ name: 'run_command', arguments: { command: 'echo in >> log.txt' } }] },
        { toolCalls: [{ name: 'run_command', arguments: { command: 'echo in >> log.txt', outside_sandbox: true, reason: 'needs my ssh agent' } }] },
        { text: 'done' },
      ]),
    }, { approval: 'ask' });
    const asked: { params: ApprovalParams; answer(r: ApprovalResult): void }[] = [];
    server.connection.onRequest(ApprovalRequest, (params) => new Promise<ApprovalResult>((answer) => asked.push({ params, answer })));
    const pending = server.run({ task: 'x' });
    await waitFor(() => asked.length === 1, 15_000, 'the first question');
    const first = asked[0].params;
    assert.ok(first.kind === 'command' && first.tool === 'run_command', JSON.stringify(first));
    assert.match(first.reason ?? '', /shell syntax|not in the allowlist/, 'the question says why');
    assert.doesNotMatch(first.reason ?? '', /outside the sandbox/);
    asked[0].answer({ approved: true, scope: 'run' });
    // The repeat runs without a question; the same command outside the sandbox is asked again, with that reason.
    await waitFor(() => asked.length === 2, 15_000, 'the question about running outside');
    const second = asked[1].params;
    assert.ok(second.kind === 'command' && second.command === 'echo in >> log.txt');
    assert.match(second.reason ?? '', /outside the sandbox: needs my ssh agent/);
    asked[1].answer({ approved: false });
    const result = await pending;
    assert.equal(result.status, 'done', result.error);
    assert.equal(readFileSync(join(ctx.ws.path, 'log.txt'), 'utf8'), 'in\nin\n', 'the declined run outside did not happen');
    const outs = server.events.get(result.runId)!.filter((e) => e.type === 'tool_output');
    const last = outs.at(-1);
    assert.ok(last?.type === 'tool_output' && !last.ok && /declined it \(asked because it asks to run outside the sandbox/.test(last.output), JSON.stringify(last));
  });

  it('a write of .npmrc is asked as kind "write" with the tool, path, content and reason; "for this run" covers that file only', async () => {
    const { server } = await ctx.start({
      respond: script([
        { toolCalls: [{ name: 'write_file', arguments: { path: '.npmrc', content: 'fund=false\n' } }] },
        { toolCalls: [{ name: 'edit_file', arguments: { path: '.npmrc', old_string: 'fund=false', new_string: 'fund=true' } }] },
        { toolCalls: [{ name: 'write_file', arguments: { path: '.yarnrc.yml', content: 'yarnPath: x.js\n' } }] },
        { text: 'done' },
      ]),
    }, { approval: 'ask' });
    const asked: { params: ApprovalParams; answer(r: ApprovalResult): void }[] = [];
    server.connection.onRequest(ApprovalRequest, (params) => new Promise<ApprovalResult>((answer) => asked.push({ params, answer })));
    const pending = server.run({ task: 'x' });
    await waitFor(() => asked.length === 1, 15_000, 'the write question');
    const p = asked[0].params;
    assert.ok(p.kind === 'write', JSON.stringify(p));
    assert.equal(p.tool, 'write_file');
    assert.equal(p.path, '.npmrc');
    assert.equal(p.command, 'write .npmrc');
    assert.match(p.args, /fund=false/, 'the question shows what would be written');
    assert.match(p.reason ?? '', /\.npmrc makes tools run code outside the sandbox/);
    assert.ok(!existsSync(join(ctx.ws.path, '.npmrc')), 'nothing written before the answer');
    asked[0].answer({ approved: true, scope: 'run' });
    // The edit of the same file is not asked about; another code-running config file is.
    await waitFor(() => asked.length === 2, 15_000, 'the question about the other file');
    assert.ok(asked[1].params.kind === 'write' && asked[1].params.path === '.yarnrc.yml', JSON.stringify(asked[1].params));
    asked[1].answer({ approved: false });
    const result = await pending;
    assert.equal(result.status, 'done', result.error);
    assert.equal(readFileSync(join(ctx.ws.path, '.npmrc'), 'utf8'), 'fund=true\n');
    assert.ok(!existsSync(join(ctx.ws.path, '.yarnrc.yml')));
  });

  it('run_command set to "never" refuses allowlisted commands and code-running config writes without asking', async () => {
    s = await session(
      ctx.ws.path,
      calls({ name: 'run_command', arguments: { command: 'ls' } }, { name: 'write_file', arguments: { path: '.npmrc', content: 'fund=false\n' } }, { name: 'write_file', arguments: { path: 'b.txt', content: 'fine\n' } }),
      { approval: 'always', toolApproval: { run_command: 'never' } },
      { approve: () => true },
    );
    await s.run();
    assert.equal(s.asked.length, 0, 'nothing asked');
    const outs = s.outputs();
    assert.ok(!outs[0].ok && /never/.test(outs[0].output), outs[0].output);
    assert.ok(!outs[1].ok && /never/.test(outs[1].output) && /\.npmrc/.test(outs[1].output), outs[1].output);
    assert.ok(outs[2].ok, 'an ordinary write still works');
    assert.ok(!existsSync(join(ctx.ws.path, '.npmrc')));
  });

  it('initialize with sandbox settings of the wrong type answers -32602 naming them; the right types start', async () => {
    ensureBuilt();
    const init = (options: object) =>
      new Promise<{ error?: { code: number; message: string }; result?: unknown }>((resolve, reject) => {
        const child = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { cwd: ctx.ws.path, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`no answer to initialize: ${out}`));
        }, 15_000);
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const at = out.indexOf('{');
          if (at < 0) return;
          try {
            const answer = JSON.parse(out.slice(at));
            clearTimeout(timer);
            child.kill('SIGKILL');
            resolve(answer);
          } catch {
            // not all of it yet
          }
        });
        const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: pathToFileURL(ctx.ws.path).href, capabilities: {}, initializationOptions: options } });
        child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
    // A host list as a string (or a mode the sandbox does not know) would have been taken as is.
    const bad = await init({ sandbox: 'none', allowNetwork: 'yes', allowedHosts: 'example.com', envPassthrough: [1], secretEnv: 'KEY' });
    assert.equal(bad.error?.code, -32602, JSON.stringify(bad));
    for (const name of ['sandbox', 'allowNetwork', 'allowedHosts', 'envPassthrough', 'secretEnv']) assert.match(bad.error!.message, new RegExp(name));
    const good = await init({ sandbox: 'off', allowNetwork: false, allowedHosts: ['registry.npmjs.org', '*.example.com'], envPassthrough: ['GITHUB_TOKEN'], secretEnv: ['MY_KEY'] });
    assert.equal(good.error, undefined, JSON.stringify(good));
    assert.ok(good.result);
  });
});
