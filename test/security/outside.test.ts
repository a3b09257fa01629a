// Finding 2 of issue 11: allowlisted commands reached outside the workspace (`cat /abs/path`,
// `cat ../x`, `ls /`, `git diff --no-index /dev/null /outside`, `git diff --output=/outside/x`,
// `git log --output=…`, `cat /proc/self/environ`). Held when such a command no longer runs
// without asking (it asks with the reason, or is refused under the allowlist policy), and when,
// approved anyway, the sandbox keeps writes inside the workspace and secrets hidden.
// References: git-diff(1) --no-index / --output; bubblewrap(1) --ro-bind / --tmpfs / --proc.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAllowlist } from '../../server/sandbox/allowlist';
import { DEFAULT_SETTINGS } from '../../server/protocol';
import { tempDir } from '../support/server';
import { calls, session, type Session } from './harness';

describe('security: commands reaching outside the workspace', function () {
  this.timeout(60_000);
  let ws: ReturnType<typeof tempDir>;
  let outside: ReturnType<typeof tempDir>;
  let s: Session | undefined;
  beforeEach(() => {
    ws = tempDir('swarmcode-sec-ws-');
    outside = tempDir('swarmcode-sec-out-');
    writeFileSync(join(outside.path, 'secret.txt'), 'OUTSIDE-SECRET\n');
    writeFileSync(join(ws.path, 'a.txt'), 'one\n');
    execFileSync('git', ['init', '-q'], { cwd: ws.path });
  });
  afterEach(async () => {
    await s?.close();
    s = undefined;
    ws.cleanup();
    outside.cleanup();
  });

  const hostile = (o: string) => [
    `cat ${o}/secret.txt`,
    `cat ../${o.split('/').pop()}/secret.txt`,
    'ls /',
    'cat "/etc/host"name',
    `git diff --no-index /dev/null ${o}/secret.txt`,
    `git diff --output=${o}/x`,
    `git log --output=${o}/y`,
    'cat ~/.bashrc',
    'cat link/secret.txt',
    'ls; cat /etc/passwd',
    'cat a.txt > /tmp/x',
  ];

  it('none of them counts as allowlisted (each with its reason); plain workspace reads still do', () => {
    symlinkSync(outside.path, join(ws.path, 'link'));
    for (const cmd of hostile(outside.path)) {
      const r = checkAllowlist(cmd, DEFAULT_SETTINGS.allowlist, ws.path);
      assert.equal(r.ok, false, cmd);
      assert.ok(!r.ok && r.reason.length > 0);
    }
    for (const cmd of ['cat a.txt', 'ls', 'ls -la sub/..', 'git diff HEAD~1 -- a.txt', 'git log -p -n 3', 'npm test', "cat 'a.txt'"]) {
      assert.deepEqual(checkAllowlist(cmd, DEFAULT_SETTINGS.allowlist, ws.path), { ok: true }, cmd);
    }
  });

  it('under the allowlist policy they are refused with the reason and nothing runs', async () => {
    const cmds = hostile(outside.path).slice(0, 7);
    s = await session(ws.path, calls(...cmds.map((command) => ({ name: 'run_command', arguments: { command } }))), { approval: 'allowlist' });
    await s.run();
    const outs = s.outputs();
    assert.equal(outs.length, cmds.length);
    for (const o of outs) {
      assert.equal(o.ok, false, o.output);
      assert.match(o.output, /refused without asking .* because .*(outside the workspace|option)/, o.output);
      assert.doesNotMatch(o.output, /OUTSIDE-SECRET/);
    }
    assert.ok(!existsSync(join(outside.path, 'x')) && !existsSync(join(outside.path, 'y')));
  });

  it('under the ask policy the user is asked with the reason', async () => {
    s = await session(ws.path, calls({ name: 'run_command', arguments: { command: `cat ${outside.path}/secret.txt` } }), { approval: 'ask' });
    await s.run();
    assert.equal(s.asked.length, 1);
    assert.match(s.asked[0].reason ?? '', /outside the workspace/);
    assert.doesNotMatch(s.outputs()[0].output, /OUTSIDE-SECRET/);
  });

  it('approved anyway, the sandbox keeps writes inside the workspace and hides the home secrets', async () => {
    const home = tempDir('swarmcode-sec-home-');
    // Outside the workspace and not under /tmp (which the sandbox replaces): read-only there.
    const varTmp = realpathSync(mkdtempSync('/var/tmp/swarmcode-sec-out-'));
    outside.cleanup();
    outside = { path: varTmp, cleanup: () => rmSync(varTmp, { recursive: true, force: true }) };
    writeFileSync(join(outside.path, 'secret.txt'), 'OUTSIDE-SECRET\n');
    rmSync('/tmp/swarmcode-sandbox-tmp-probe', { force: true });
    try {
      mkdirSync(join(home.path, '.ssh'));
      writeFileSync(join(home.path, '.ssh/id_ed25519'), 'PRIVATE-KEY-MATERIAL\n');
      writeFileSync(join(home.path, '.netrc'), 'machine x password NETRC-SECRET\n');
      mkdirSync(join(home.path, '.aws'));
      writeFileSync(join(home.path, '.aws/credentials'), 'AWS-SECRET\n');
      writeFileSync(join(outside.path, 'untouched.txt'), 'keep\n');
      const cmds = [
        `git diff --output=${outside.path}/x`,
        `echo gone > ${outside.path}/untouched.txt; rm -f ${outside.path}/secret.txt`,
        `cat ${home.path}/.ssh/id_ed25519 ${home.path}/.netrc ${home.path}/.aws/credentials`,
        'echo hi > /tmp/swarmcode-sandbox-tmp-probe && cat /tmp/swarmcode-sandbox-tmp-probe',
        'ls /proc | grep -c "^[0-9]"',
      ];
      s = await session(ws.path, calls(...cmds.map((command) => ({ name: 'run_command', arguments: { command } }))), { approval: 'always' }, { env: { ...process.env, HOME: home.path } });
      await s.run();
      const outs = s.outputs();
      assert.ok(!existsSync(join(outside.path, 'x')), 'git diff --output wrote outside');
      assert.ok(existsSync(join(outside.path, 'secret.txt')), 'a file outside was removed');
      assert.match(outs[1].output, /Read-only file system/);
      assert.doesNotMatch(outs[2].output, /PRIVATE-KEY-MATERIAL|NETRC-SECRET|AWS-SECRET/);
      assert.match(outs[3].output, /^hi$/m);
      assert.ok(!existsSync('/tmp/swarmcode-sandbox-tmp-probe'), '/tmp is not private');
      // A fresh PID namespace: the sandbox sees its own few processes, not the server's.
      assert.ok(Number(/^(\d+)$/m.exec(outs[4].output)?.[1]) < 10, outs[4].output);
    } finally {
      home.cleanup();
    }
  });

  it('the workspace is the home folder: its secrets stay hidden; a workspace under ~/.config still works', async () => {
    const home = tempDir('swarmcode-sec-home-');
    try {
      mkdirSync(join(home.path, '.ssh'));
      writeFileSync(join(home.path, '.ssh/id_ed25519'), 'PRIVATE-KEY-MATERIAL\n');
      writeFileSync(join(home.path, '.netrc'), 'machine x password NETRC-SECRET\n');
      const env = { ...process.env, HOME: home.path };
      s = await session(home.path, calls({ name: 'run_command', arguments: { command: 'cat .ssh/id_ed25519 .netrc' } }), { approval: 'allowlist' }, { env });
      await s.run();
      const out = s.outputs()[0].output;
      assert.equal(s.asked.length, 0);
      assert.doesNotMatch(out, /PRIVATE-KEY-MATERIAL|NETRC-SECRET/);
      await s.close();
      const nested = join(home.path, '.config/project');
      mkdirSync(nested, { recursive: true });
      s = await session(nested, calls({ name: 'run_command', arguments: { command: 'echo built > out.txt && cat out.txt' } }), { approval: 'always' }, { env });
      await s.run();
      assert.match(s.outputs()[0].output, /^built$/m);
    } finally {
      home.cleanup();
    }
  });
});
