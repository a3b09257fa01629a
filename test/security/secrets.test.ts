// Finding 3 of issue 11: the API key was in every child's environment (`env` through
// run_command printed it, and the output went to the model endpoint). Held when the provider key
// variables, the `--api-key-env` variable and secret-looking names are removed from children
// (pass-through kept), /proc shows no key, and known key values are redacted from tool outputs,
// events and the requests to the model.
// Reference: proc(5) /proc/[pid]/environ; OpenAI chat-completions wire format (tool messages).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scrubEnv } from '../../server/sandbox/env';
import { tempDir } from '../support/server';
import { calls, session, type Session } from './harness';

const KEY = 'sk-moonshot-REAL-KEY-0123456789';
const SECRETS = {
  MOONSHOT_API_KEY: KEY,
  MY_PROVIDER_CRED: 'named-by-api-key-env-123456',
  GITHUB_TOKEN: 'ghp_aaaaaaaaaaaaaaaaaaaaaaaa',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-value-1234567',
  DB_PASSWORD: 'db-password-value-1234',
  STRIPE_SECRET: 'stripe-secret-value-1234',
};

describe('security: secrets never reach children or the model', function () {
  this.timeout(60_000);
  let ws: ReturnType<typeof tempDir>;
  let s: Session | undefined;
  beforeEach(() => {
    ws = tempDir('swarmcode-sec-ws-');
  });
  afterEach(async () => {
    await s?.close();
    s = undefined;
    ws.cleanup();
  });

  it('scrubEnv removes provider keys, named variables and secret-looking names; keeps pass-through and ordinary ones', () => {
    const base = { ...SECRETS, PATH: '/usr/bin', HOME: '/home/u', LANG: 'C', PASS_ME_TOKEN: 'keep-me-123456', SSH_AUTH_SOCK: '/run/ssh.sock', npm_config__authToken: 'npm-auth-123456' };
    const { env, removedValues } = scrubEnv(base, { secretNames: ['MY_PROVIDER_CRED'], passthrough: ['PASS_ME_TOKEN'] });
    assert.deepEqual(Object.keys(env).sort(), ['HOME', 'LANG', 'PASS_ME_TOKEN', 'PATH']);
    assert.ok(removedValues.includes(KEY));
  });

  it('run_command `env` and /proc show no secret; the server itself got none from the CLI; pass-through works', async () => {
    const env = { ...process.env, ...SECRETS, PASS_ME_TOKEN: 'passed-through-123456' };
    // What the CLI does: the key in the settings, the server's environment scrubbed (cli/client.ts).
    const { scrubEnv: scrub } = await import('../../server/sandbox/env');
    const serverEnv = { ...scrub(env, { secretNames: ['MY_PROVIDER_CRED'], passthrough: ['PASS_ME_TOKEN'] }).env, MOONSHOT_API_KEY: KEY, MY_PROVIDER_CRED: SECRETS.MY_PROVIDER_CRED };
    s = await session(
      ws.path,
      calls(
        { name: 'run_command', arguments: { command: 'env' } },
        { name: 'run_command', arguments: { command: 'cat /proc/self/environ | tr "\\0" "\\n"; cat /proc/1/environ | tr "\\0" "\\n"' } },
      ),
      { approval: 'always', apiKey: KEY, secretEnv: ['MY_PROVIDER_CRED'], envPassthrough: ['PASS_ME_TOKEN'] },
      { env: serverEnv },
    );
    const r = await s.run();
    assert.equal(r.status, 'done', r.error);
    const [envOut, procOut] = s.outputs();
    assert.match(envOut.output, /^PATH=/m);
    assert.match(envOut.output, /^PASS_ME_TOKEN=passed-through-123456$/m);
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const o of [envOut, procOut]) {
        assert.doesNotMatch(o.output, new RegExp(`^${name}=`, 'm'), `${name} reached a child`);
        assert.ok(!o.output.includes(value), `${name}'s value reached a child`);
      }
    }
    const sent = JSON.stringify(s.sim.requests.map((q) => q.body));
    for (const value of Object.values(SECRETS)) assert.ok(!sent.includes(value), 'a secret reached the model endpoint');
  });

  it('the CLI starts the server without the key in its environment', async () => {
    const saved = process.env.MOONSHOT_API_KEY;
    process.env.MOONSHOT_API_KEY = KEY;
    try {
      s = await session(ws.path, calls(), {});
      const environ = readFileSync(`/proc/${s.server.child.pid}/environ`, 'utf8');
      assert.ok(!environ.includes(KEY));
    } finally {
      if (saved === undefined) delete process.env.MOONSHOT_API_KEY;
      else process.env.MOONSHOT_API_KEY = saved;
    }
  });

  it('a known key value in a file is redacted from the tool output, the events and the model requests', async () => {
    writeFileSync(join(ws.path, 'leak.txt'), `key=${KEY}\n`);
    s = await session(ws.path, calls({ name: 'read_file', arguments: { path: 'leak.txt' } }, { name: 'run_command', arguments: { command: 'cat leak.txt' } }), { approval: 'allowlist', apiKey: KEY });
    const r = await s.run();
    assert.equal(r.status, 'done', r.error);
    const outs = s.outputs();
    assert.equal(outs.length, 2);
    for (const o of outs) {
      assert.match(o.output, /key=\[redacted secret\]/);
      assert.ok(!o.output.includes(KEY));
    }
    assert.ok(!JSON.stringify(s.events).includes(KEY), 'the key is in an event');
    assert.ok(!JSON.stringify(s.sim.requests.map((q) => q.body)).includes(KEY), 'the key reached the model endpoint');
  });
});
