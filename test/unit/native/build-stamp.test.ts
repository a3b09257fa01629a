// native/build.mjs (the `install` script) skips the compiler when native/ is unchanged since the
// last build, and rebuilds when a source changes or SWARMCODE_REBUILD_NATIVE=1. node-gyp is
// replaced by a stand-in (through npm_config_node_gyp, which npm itself sets) that records calls.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const native = resolve(__dirname, '../../../native');

describe('native/build.mjs: an unchanged native/ is not recompiled', function () {
  this.timeout(30_000);
  let dir: string;
  let calls: string;
  let gyp: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swarmcode-native-'));
    cpSync(join(native, 'src'), join(dir, 'native', 'src'), { recursive: true });
    for (const f of ['binding.gyp', 'build.mjs']) cpSync(join(native, f), join(dir, 'native', f));
    calls = join(dir, 'calls');
    gyp = join(dir, 'fake-node-gyp.js');
    // The stand-in "compiles": it records the call and writes the addon.
    writeFileSync(gyp, `require('fs').appendFileSync(${JSON.stringify(calls)}, process.argv.slice(2).join(' ') + '\\n'); require('fs').mkdirSync('build/Release', { recursive: true }); require('fs').writeFileSync('build/Release/swarm_index.node', 'x');\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const build = (env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(dir, 'native', 'build.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH, npm_config_node_gyp: gyp, ...env } });
  const count = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').length : 0);

  it('builds once, skips the second time, rebuilds after a source edit or when forced', () => {
    assert.equal(build().status, 0);
    assert.equal(count(), 1);
    const again = build();
    assert.equal(again.status, 0);
    assert.match(again.stdout, /up to date/);
    assert.equal(count(), 1);
    appendFileSync(join(dir, 'native', 'src', 'binding.cc'), '\n// edited\n');
    build();
    assert.equal(count(), 2);
    build({ SWARMCODE_REBUILD_NATIVE: '1' });
    assert.equal(count(), 3);
  });

  it('a missing addon (deleted build output) is rebuilt even with a matching stamp', () => {
    build();
    rmSync(join(dir, 'native', 'build', 'Release', 'swarm_index.node'));
    mkdirSync(join(dir, 'native', 'build', 'Release'), { recursive: true });
    build();
    assert.equal(count(), 2);
  });
});
