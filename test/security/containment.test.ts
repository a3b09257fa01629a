// What the sandbox promises besides the three findings (docs/security.md): no network unless
// allowed, and without an OS sandbox every command asks (or is refused without asking) with the
// reason said once. Reference: bubblewrap(1) --unshare-net.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectSandbox, hostAllowed } from '../../server/sandbox';
import { tempDir } from '../support/server';
import { calls, session, type Session } from './harness';

describe('security: containment', function () {
  this.timeout(60_000);
  let ws: ReturnType<typeof tempDir>;
  let s: Session | undefined;
  let tcp: Server;
  let port: number;
  before(async () => {
    tcp = createServer((c) => c.end('reached\n'));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    port = (tcp.address() as { port: number }).port;
  });
  after(() => tcp.close());
  beforeEach(() => {
    ws = tempDir('swarmcode-sec-ws-');
    writeFileSync(join(ws.path, 'probe.js'), `require('net').connect(${'PORT'}, '127.0.0.1').on('data', (d) => process.stdout.write(d)).on('error', (e) => console.log('no network: ' + e.code));\n`);
  });
  afterEach(async () => {
    await s?.close();
    s = undefined;
    ws.cleanup();
  });

  const probe = () => ({ name: 'run_command', arguments: { command: `node -e "$(sed s/PORT/${port}/ probe.js)"` } });

  it('bubblewrap is here and works (the tier needs it: `apt-get install bubblewrap`)', () => {
    assert.equal(detectSandbox().kind, process.platform === 'darwin' ? 'sandbox-exec' : 'bwrap');
  });

  it('no network inside the sandbox; allowNetwork opens it', async () => {
    s = await session(ws.path, calls(probe()), { approval: 'always' });
    await s.run();
    assert.match(s.outputs()[0].output, /no network/);
    await s.close();
    s = await session(ws.path, calls(probe()), { approval: 'always', allowNetwork: true });
    await s.run();
    assert.match(s.outputs()[0].output, /reached/);
  });

  it('allowed hosts only: reached through the filtering proxy, other hosts refused, raw connections still fail', async () => {
    const web = createHttpServer((_req, res) => res.end('web-reached\n'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    const webPort = (web.address() as { port: number }).port;
    try {
      s = await session(
        ws.path,
        calls(
          { name: 'run_command', arguments: { command: `curl -sS http://127.0.0.1:${webPort}/` } },
          { name: 'run_command', arguments: { command: `curl -sS -o /dev/null -w '%{http_code}' http://localhost:${webPort}/` } },
          { name: 'run_command', arguments: { command: `curl -sS -o /dev/null -w '%{http_code}' https://localhost:${webPort}/` } },
          probe(),
        ),
        { approval: 'always', allowedHosts: ['127.0.0.1'] },
      );
      await s.run();
      const [allowed, deniedHttp, deniedConnect, raw] = s.outputs();
      assert.match(allowed.output, /web-reached/);
      assert.match(deniedHttp.output, /403/);
      assert.match(deniedConnect.output, /403|CONNECT/);
      assert.match(raw.output, /no network/);
    } finally {
      web.close();
    }
  });

  it('a command asking for network asks the user with its reason', async () => {
    s = await session(ws.path, calls({ ...probe(), arguments: { ...probe().arguments, network: true, reason: 'fetch the test fixture' } }), { approval: 'ask' }, { approve: () => true });
    await s.run();
    assert.equal(s.asked.length, 1);
    assert.match(s.asked[0].reason ?? '', /network access: fetch the test fixture/);
    assert.match(s.outputs()[0].output, /reached/);
  });

  it('without a sandbox even allowlisted commands ask, saying why; refused under the allowlist policy; said once', async () => {
    s = await session(ws.path, calls({ name: 'run_command', arguments: { command: 'ls' } }, { name: 'run_command', arguments: { command: 'cat probe.js' } }), { approval: 'ask', sandbox: 'off' });
    await s.run();
    assert.equal(s.asked.length, 2);
    for (const a of s.asked) assert.match(a.reason ?? '', /no sandbox \(the sandbox is turned off.*\): it would run with your full permissions/);
    assert.equal(s.logs.filter((l) => /no OS sandbox/.test(l)).length, 1);
    await s.close();
    s = await session(ws.path, calls({ name: 'run_command', arguments: { command: 'ls' } }), { approval: 'allowlist', sandbox: 'off' });
    await s.run();
    assert.equal(s.asked.length, 0);
    assert.match(s.outputs()[0].output, /refused without asking .*no sandbox/);
  });

  it('a sandboxed command that times out is stopped with everything it started', async () => {
    s = await session(ws.path, calls({ name: 'run_command', arguments: { command: '(sleep 2; touch late-bg) & sleep 30; touch late-fg', timeout_ms: 500 } }), { approval: 'always' });
    await s.run();
    assert.match(s.outputs()[0].output, /timed out after 500 ms/);
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(!existsSync(join(ws.path, 'late-bg')) && !existsSync(join(ws.path, 'late-fg')), 'a process of the sandbox outlived the timeout');
  });

  it('host matching: exact names, *.suffix for subdomains, nothing by prefix or port tricks', () => {
    const allowed = ['registry.npmjs.org', '*.pypi.org'];
    for (const h of ['registry.npmjs.org', 'REGISTRY.npmjs.org.', 'files.pypi.org', 'pypi.org']) assert.ok(hostAllowed(h, allowed), h);
    for (const h of ['registry.npmjs.org.evil.com', 'evilpypi.org', 'npmjs.org', '127.0.0.1', '']) assert.ok(!hostAllowed(h, allowed), h);
  });

  it('hostile run_command arguments get a clear error and the run goes on', async () => {
    s = await session(
      ws.path,
      calls(
        { name: 'run_command', arguments: { command: 'echo a\u0000b' } },
        { name: 'run_command', arguments: { command: 'ls', outside_sandbox: true, reason: 'trust me' } },
        { name: 'run_command', arguments: { command: 'ls', network: true } },
      ),
      { approval: 'allowlist' },
    );
    const r = await s.run();
    assert.equal(r.status, 'done', r.error);
    const [nul, outsideBox, net] = s.outputs();
    assert.match(nul.output, /NUL byte/);
    assert.match(outsideBox.output, /refused without asking .*outside the sandbox: trust me/);
    assert.match(net.output, /refused without asking .*network access/);
  });

  it('detection says why when bubblewrap is missing', () => {
    const a = detectSandbox('linux', '/nonexistent/bwrap');
    assert.equal(a.kind, undefined);
    assert.match(a.kind === undefined ? a.reason : '', /bubblewrap cannot create a sandbox here/);
  });
});
