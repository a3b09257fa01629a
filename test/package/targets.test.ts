// Per-platform packages: `npm run package -- --target T` for all six targets, each unpacked and
// checked by the magic numbers of its files (ELF / Mach-O / PE headers, machine fields), so only
// the target's executables are in it. Other platforms' binaries come from npm (`npm pack`).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/server';
// @ts-expect-error plain ESM scripts without types
import { packageTarget } from '../../scripts/package.mjs';
// @ts-expect-error plain ESM scripts without types
import { checkVsix } from '../../scripts/check-package.mjs';
// @ts-expect-error plain ESM scripts without types
import { HOST, TARGETS } from '../../scripts/package-vendor.mjs';

interface Binary {
  path: string;
  format: string;
  arch: string;
}

const FORMAT: Record<string, string> = { linux: 'elf', darwin: 'macho', win32: 'pe' };

describe('per-platform packages (npm run package -- --target T)', function () {
  this.timeout(15 * 60_000);
  before(() => execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--production'], { stdio: 'inherit' }));
  after(() => execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' }));

  for (const target of TARGETS as string[]) {
    it(`${target}: only ${target} executables, its ripgrep, its tree-sitter prebuilds`, async () => {
      const vsix = packageTarget(target) as string;
      assert.equal(vsix, join(ROOT, 'dist', `swarmcode-${target}.vsix`));
      const r = (await checkVsix(vsix, target)) as { binaries: Binary[]; problems: string[] };
      assert.deepEqual(r.problems, []);
      const [os, arch] = target.split('-');
      const rg = r.binaries.find((b) => /@vscode\/ripgrep-[^/]+\/bin\/rg(\.exe)?$/.test(b.path))!;
      assert.deepEqual({ format: rg.format, arch: rg.arch }, { format: FORMAT[os!], arch });
      if (os !== 'linux') assert.equal(r.binaries.filter((b) => b.format === 'elf').length, 0, 'no Linux ELF files');
      // The embedded engine's CPU (or Metal) build for the target; never CUDA or Vulkan.
      assert.ok(r.binaries.some((b) => b.path.includes('/@node-llama-cpp/')), 'node-llama-cpp binaries');
      assert.ok(!r.binaries.some((b) => /@node-llama-cpp\/[^/]*(cuda|vulkan)/.test(b.path)));
    });
  }

  it(`this machine's package loads tree-sitter (its local build first, then the prebuild) and a grammar`, function () {
    if (!(TARGETS as string[]).includes(HOST) || !spawnSync('unzip', ['-v']).stdout) this.skip();
    const vsix = packageTarget(HOST) as string;
    const dir = mkdtempSync(join(tmpdir(), 'swarmcode-vsix-'));
    try {
      execFileSync('unzip', ['-q', vsix, '-d', dir]);
      const mods = join(dir, 'extension', 'dist', 'node_modules');
      assert.ok(existsSync(join(mods, 'tree-sitter', 'prebuilds', HOST)), 'the prebuild ships too');
      const script = `
        const Parser = require(${JSON.stringify(join(mods, 'tree-sitter'))});
        const JS = require(${JSON.stringify(join(mods, 'tree-sitter-javascript'))});
        const p = new Parser(); p.setLanguage(JS);
        console.log(p.parse('function hello() {}').rootNode.child(0).type);`;
      assert.equal(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim(), 'function_declaration');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
