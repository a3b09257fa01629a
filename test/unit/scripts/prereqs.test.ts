// The first five minutes: `npm test` checks the system packages before anything runs, names the
// one `apt-get install` line, and still runs the tiers it can (scripts/prereqs.mjs, scripts/test.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// @ts-expect-error plain ESM script without types
import { checkPrereqs, describe as describePrereqs, PREREQS } from '../../../scripts/prereqs.mjs';

const root = resolve(__dirname, '../../..');

function fakeProbe(commands: string[], files: string[] = [], nodeVersion = '20.19.0') {
  return {
    exists: (p: string) => files.includes(p),
    onPath: (c: string) => commands.includes(c),
    env: {},
    nodeVersion,
    isRoot: false,
  };
}

/** Resolves a command on the real PATH (for building a PATH that lacks some packages). */
function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

describe('system package check (scripts/prereqs.mjs)', () => {
  it('a missing browser and Kerberos headers stop only the browser and e2e tiers, with one install line', () => {
    const r = checkPrereqs(fakeProbe(['git', 'bwrap', 'python3', 'make', 'g++', 'pkg-config']));
    assert.deepEqual([...r.blocked.keys()].sort(), ['browser', 'e2e']);
    assert.equal(r.blocked.has('unit'), false);
    assert.equal(r.blocked.has('protocol'), false);
    assert.equal(r.installLine, 'sudo apt-get install -y chromium libkrb5-dev chromium-headless-shell');
    const text = describePrereqs(r);
    assert.match(text, /missing: Chromium \(needed by the browser, e2e tiers\)/);
    assert.equal(text.split('\n').filter((l: string) => l.includes('apt-get install')).length, 1);
  });

  it('everything present: nothing blocked, no install line', () => {
    const all = ['git', 'bwrap', 'chromium', 'chromium-headless-shell', 'python3', 'make', 'g++', 'pkg-config'];
    const r = checkPrereqs(fakeProbe(all, ['/usr/include/gssapi/gssapi.h']));
    assert.equal(r.blocked.size, 0);
    assert.equal(r.installLine, undefined);
    assert.equal(describePrereqs(r), '');
  });

  it('an old Node is reported', () => {
    const r = checkPrereqs(fakeProbe([], [], '20.18.3'));
    assert.equal(r.nodeOk, false);
    assert.match(describePrereqs(r, '20.18.3'), /Node 20\.18\.3 is too old: SwarmCode needs Node >= 20\.19/);
    assert.equal(checkPrereqs(fakeProbe([], [], '22.0.0')).nodeOk, true);
  });

  it('names a Debian package for everything it checks (the list .ci/run and the README use)', () => {
    const apt = spawnSync(process.execPath, ['scripts/prereqs.mjs', '--apt'], { cwd: root, encoding: 'utf8' });
    assert.equal(apt.status, 0);
    assert.deepEqual(apt.stdout.trim().split(' '), PREREQS.map((p: { apt: string }) => p.apt));
    for (const p of PREREQS as { apt: string }[]) assert.ok(/^[a-z0-9][a-z0-9+.-]+$/.test(p.apt), p.apt);
  });

  it('npm test on a machine without Chromium: prints the install line, still plans unit and protocol', function () {
    const need = ['git', 'bwrap'].map((c) => [c, which(c)] as const);
    if (need.some(([, p]) => !p)) this.skip(); // the machine itself lacks them
    const bin = mkdtempSync(join(tmpdir(), 'swarmcode-path-'));
    try {
      for (const [c, p] of need) symlinkSync(p!, join(bin, c));
      const r = spawnSync(process.execPath, ['scripts/test.mjs', '--plan', 'unit', 'protocol', 'browser'], {
        cwd: root,
        encoding: 'utf8',
        env: { PATH: bin, HOME: process.env.HOME },
      });
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /missing: Chromium/);
      assert.match(r.stdout, /^  (sudo )?apt-get install -y chromium python3 make g\+\+ pkg-config chromium-headless-shell$/m);
      assert.match(r.stdout, /^tiers: unit, protocol$/m);
      assert.match(r.stdout, /^not run: browser \(missing chromium\)$/m);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('tests run with a temporary HOME, never the real one (test/support/isolated-home.ts)', () => {
    assert.ok(process.env.SWARMCODE_TEST_HOME);
    assert.equal(process.env.HOME, process.env.SWARMCODE_TEST_HOME);
    assert.ok(process.env.XDG_STATE_HOME?.startsWith(process.env.HOME!));
  });
});
