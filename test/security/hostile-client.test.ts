// A hostile or broken client against the real server bundle (dist/server.js --stdio) over JSON-RPC:
// broken framing, a second `initialize`, and parameters of the wrong type.
//
// References: the base protocol's header part (LSP 3.17 "Base Protocol": `Content-Length` is
// "the length of the content part in bytes", mandatory); "initialize ... is sent as the first
// request ... only once" (LSP 3.17 "Initialize Request"); JSON-RPC 2.0 §5.1 error codes
// (-32602 "Invalid params: invalid method parameter(s)", -32603 "Internal JSON-RPC error").
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ROOT, ensureBuilt, tempDir, within } from '../support/server';
import { script } from '../support/simulator';
import { useSimServer } from '../support/sim-server';

/** One framed JSON-RPC message, the way the base protocol writes it. */
function frame(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** The server bundle as a raw child process: bytes in, bytes out, no client library in between. */
function spawnRaw(workspace: string) {
  ensureBuilt();
  const child = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
    write: (s: string) => child.stdin.write(s),
    /** Resolves when stdout holds a response with this id. */
    response(id: number, timeoutMs = 10_000): Promise<boolean> {
      const end = Date.now() + timeoutMs;
      return new Promise((resolve) => {
        const poll = () => {
          if (stdout.includes(`"id":${id},`) || stdout.includes(`"id":${id}}`)) return resolve(true);
          if (Date.now() > end || child.exitCode !== null) return resolve(false);
          setTimeout(poll, 20);
        };
        poll();
      });
    },
  };
}

describe('security: hostile client', function () {
  this.timeout(30_000);
  const ctx = useSimServer();

  for (const [name, header] of [
    ['a Content-Length that is not a number', 'Content-Length: lots\r\n\r\n{}'],
    ['a header without Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'],
    ['a body that is not JSON', 'Content-Length: 5\r\n\r\n{oops'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n'],
    // Would swallow every later request while "waiting" for 100 GB of body.
    ['a Content-Length past the size limit', 'Content-Length: 99999999999\r\n\r\n{}'],
    ['a header with no end', `X-Junk: ${'j'.repeat(20_000)}`],
  ] as const) {
    it(`exits with a logged error on ${name} instead of going deaf`, async () => {
      const raw = spawnRaw(ctx.ws.path);
      try {
        const uri = pathToFileURL(ctx.ws.path).href;
        raw.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: uri, capabilities: {} } }));
        assert.ok(await raw.response(1), `initialize answered (stderr: ${raw.err()})`);
        raw.write(frame({ method: 'initialized', params: {} }));
        raw.write(header);
        raw.write(frame({ id: 2, method: 'swarm/checkpoints', params: {} }));
        // Today's defect: the server neither answers nor exits, so no client ever restarts it.
        const code = await within(raw.exited, 10_000, 'the server to exit after a framing error');
        assert.notEqual(code, 0, 'a non-zero exit tells the client to restart it');
        assert.match(raw.err(), /framing|Content-Length/i, 'the reason is logged on stderr');
      } finally {
        raw.child.kill('SIGKILL');
      }
    });
  }

  it('refuses a second initialize and keeps the workspace root', async () => {
    const server = await ctx.startServer({ approval: 'always' });
    const elsewhere = tempDir();
    try {
      const again = server.connection.sendRequest('initialize', {
        processId: null,
        rootUri: pathToFileURL(elsewhere.path).href,
        workspaceFolders: [{ uri: pathToFileURL(elsewhere.path).href, name: 'elsewhere' }],
        capabilities: {},
        initializationOptions: { approval: 'always' },
      });
      await assert.rejects(again, (err: unknown) => err instanceof ResponseError && err.code === -32600 && /already initialized/i.test(err.message));
      // swarm/search would answer from the other folder if the root had moved; it still sees ours.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(ctx.ws.path, 'ours.txt'), 'needle-in-ours\n');
      writeFileSync(join(elsewhere.path, 'theirs.txt'), 'needle-in-theirs\n');
      const res = await server.connection.sendRequest('swarm/search', { query: 'needle-in' });
      const paths = (res as { matches: { path: string }[] }).matches.map((m) => m.path);
      assert.ok(!paths.includes('theirs.txt'), `the root did not move (found ${paths.join(', ')})`);
    } finally {
      elsewhere.cleanup();
    }
  });

  it('answers -32602 to initializationOptions of the wrong type, and starts nothing', async () => {
    const raw = spawnRaw(ctx.ws.path);
    try {
      const uri = pathToFileURL(ctx.ws.path).href;
      raw.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: uri, capabilities: {}, initializationOptions: { approval: 'yolo', allowlist: 'rm -rf /' } } }));
      assert.ok(await raw.response(1), `initialize answered (stderr: ${raw.err()})`);
      const answer = JSON.parse(raw.out().slice(raw.out().indexOf('{')));
      assert.equal(answer.error?.code, -32602, raw.out());
      assert.match(answer.error.message, /approval/);
      assert.match(answer.error.message, /allowlist/);
    } finally {
      raw.child.kill('SIGKILL');
    }
  });

  it('drops settings of the wrong type from didChangeConfiguration and keeps working', async () => {
    const { server } = await ctx.start({ respond: script([{ toolCalls: [{ name: 'run_command', arguments: { command: 'ls' } }] }, { text: 'listed' }]) }, { approval: 'allowlist' });
    // allowlist as a string would crash the allowlist check of every later command.
    server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { allowlist: 'ls', maxSteps: 'lots', model: 'kimi-k2.5' } });
    const result = await server.run({ task: 'x' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(result.text, 'listed');
    const out = server.events.get(result.runId)!.find((e) => e.type === 'tool_output');
    assert.ok(out?.type === 'tool_output' && out.ok, 'ls is still allowlisted by the default list');
  });

  describe('parameters of the wrong type answer -32602 with a clear message', () => {
    const own = useSimServer({ workspace: 'suite' });
    before(() => own.startServer({ approval: 'always', baseUrl: 'http://127.0.0.1:9' }));
    const cases: [string, unknown, RegExp][] = [
      ['swarm/run', { runId: 5, task: 'x' }, /runId/],
      ['swarm/run', { runId: 'r', task: { toString: 1 } }, /task/],
      ['swarm/run', { runId: 'r', task: 'x', images: 'not-a-list' }, /images/],
      ['swarm/run', null, /params|object/i],
      ['swarm/cancel', { runId: ['r'] }, /runId/],
      ['swarm/compact', { runId: 'r', agentId: 7 }, /agentId/],
      ['swarm/search', { query: 42 }, /query/],
      ['swarm/changes', { runId: 'r', withContent: 'yes' }, /withContent/],
      ['swarm/accept', { runId: 'r', paths: 'a.txt' }, /paths/],
      ['swarm/reject', { runId: 'r', paths: [1, 2] }, /paths/],
      ['swarm/refactor', { runId: 'r', instruction: 'x', maxShards: 'many' }, /maxShards/],
      ['swarm/visual', { runId: 'r', image: { mimeType: 'image/png' }, target: 'html', outputPath: 'a.html' }, /image/],
    ];
    for (const [method, params, field] of cases) {
      it(`${method} ${JSON.stringify(params)}`, async () => {
        await assert.rejects(own.server.connection.sendRequest(method, params), (err: unknown) => {
          assert.ok(err instanceof ResponseError, String(err));
          assert.equal(err.code, -32602, `${err.code}: ${err.message}`);
          assert.match(err.message, field);
          assert.doesNotMatch(err.message, /is not a function|Cannot read|undefined \(reading/);
          return true;
        });
      });
    }
  });
});
