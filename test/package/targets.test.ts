// Per-platform packages: `npm run package -- --target T` for all six targets, each unpacked and
// checked by the magic numbers of its files (ELF / Mach-O / PE headers, machine fields), so only
// the target's executables are in it. Other platforms' binaries come from npm (`npm pack`).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { ROOT, tempDir } from '../support/server';
import { startServer } from '../../cli/client';
import { SymbolsRequest } from '../../server/protocol';
// @ts-expect-error plain ESM scripts without types
import { packageTarget } from '../../scripts/package.mjs';
// @ts-expect-error plain ESM scripts without types
import { checkVsix, classify, GRAMMARS } from '../../scripts/check-package.mjs';
// @ts-expect-error plain ESM scripts without types
import { HOST, TARGETS } from '../../scripts/package-vendor.mjs';

interface Binary {
  path: string;
  format: string;
  arch: string;
}

const FORMAT: Record<string, string> = { linux: 'elf', darwin: 'macho', win32: 'pe' };

/**
 * Whether the grammar package as npm ships it has a prebuild that really is the target's (read
 * from node_modules, not the package under test): where it has not (tree-sitter-cpp, -java and
 * -typescript put x86-64 files under linux-arm64), the package must fall back to WebAssembly.
 */
function upstreamPrebuildFits(pkg: string, target: string): boolean {
  const dir = join(ROOT, 'node_modules', `tree-sitter-${pkg}`, 'prebuilds', target);
  if (!existsSync(dir)) return false;
  const [os, arch] = target.split('-');
  return readdirSync(dir).some((f) => {
    const kind = classify(readFileSync(join(dir, f)).subarray(0, 4096)) as { format: string; arch: string } | undefined;
    return kind?.format === FORMAT[os!] && kind.arch.split('+').includes(arch!);
  });
}

/** Parses with web-tree-sitter and every grammar's .wasm as unpacked from the package (any target: no native code). */
function parseWithPackagedWasm(vsix: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'swarmcode-wasm-'));
  try {
    const mods = 'extension/dist/node_modules';
    execFileSync('unzip', ['-q', vsix, `${mods}/web-tree-sitter/*`, `${mods}/tree-sitter-*/*.wasm`, '-d', dir]);
    const langs = Object.entries(GRAMMARS as Record<string, string[]>).flatMap(([pkg, ls]) => ls.map((l) => [pkg, l]));
    const script = `
      const { Parser, Language } = require(${JSON.stringify(join(dir, mods, 'web-tree-sitter', 'tree-sitter.cjs'))});
      (async () => {
        await Parser.init();
        for (const [pkg, l] of ${JSON.stringify(langs)}) {
          const p = new Parser();
          p.setLanguage(await Language.load(${JSON.stringify(join(dir, mods))} + '/tree-sitter-' + pkg + '/tree-sitter-' + l + '.wasm'));
          const t = p.parse('x');
          console.log(l + ' ' + t.rootNode.type);
          t.delete();
        }
      })().catch((e) => { console.error(e); process.exit(1); });`;
    return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bytes of one file in a .vsix (a zip), or undefined when it is not there. */
function vsixEntry(vsix: string, name: string): Promise<Buffer | undefined> {
  return new Promise((res, rej) => {
    yauzl.open(vsix, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return rej(err);
      zip.on('error', rej);
      zip.on('end', () => res(undefined));
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName !== name) return zip.readEntry();
        zip.openReadStream(e, (e2, stream) => {
          if (e2 || !stream) return rej(e2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            zip.close();
            res(Buffer.concat(chunks));
          });
        });
      });
      zip.readEntry();
    });
  });
}

describe('per-platform packages (npm run package -- --target T)', function () {
  this.timeout(15 * 60_000);
  before(() => execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--production'], { stdio: 'inherit' }));
  after(() => execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' }));

  for (const target of TARGETS as string[]) {
    it(`${target}: only ${target} executables, its ripgrep, its tree-sitter prebuilds`, async () => {
      const vsix = packageTarget(target) as string;
      assert.equal(vsix, join(ROOT, 'dist', `swarmcode-${target}.vsix`));
      const r = (await checkVsix(vsix, target)) as { binaries: Binary[]; problems: string[]; grammars: Record<string, string> };
      assert.deepEqual(r.problems, []);
      // Symbols: each grammar's own prebuild for the target where npm's has one that fits, the
      // WebAssembly fallback only where it has not; and the fallback runs from the package.
      const want = Object.fromEntries(Object.keys(GRAMMARS).map((g) => [g, upstreamPrebuildFits(g, target) ? 'prebuild' : 'wasm']));
      assert.deepEqual(r.grammars, want);
      if (spawnSync('unzip', ['-v']).stdout) {
        assert.deepEqual(parseWithPackagedWasm(vsix), ['c translation_unit', 'cpp translation_unit', 'go source_file', 'java program', 'javascript program', 'python module', 'rust source_file', 'typescript program', 'tsx program']);
      }
      const [os, arch] = target.split('-');
      const rg = r.binaries.find((b) => /@vscode\/ripgrep-[^/]+\/bin\/rg(\.exe)?$/.test(b.path))!;
      assert.deepEqual({ format: rg.format, arch: rg.arch }, { format: FORMAT[os!], arch });
      if (os !== 'linux') assert.equal(r.binaries.filter((b) => b.format === 'elf').length, 0, 'no Linux ELF files');
      // The embedded engine's CPU (or Metal) build for the target; never CUDA or Vulkan.
      assert.ok(r.binaries.some((b) => b.path.includes('/@node-llama-cpp/')), 'node-llama-cpp binaries');
      assert.ok(!r.binaries.some((b) => /@node-llama-cpp\/[^/]*(cuda|vulkan)/.test(b.path)));
      // The trigram index's WebAssembly build ships for every target (the addon only for this machine's).
      const wasm = await vsixEntry(vsix, 'extension/native/wasm/trigram.wasm');
      assert.equal(wasm?.subarray(0, 4).toString('latin1'), '\0asm', 'native/wasm/trigram.wasm');
      assert.ok(await vsixEntry(vsix, 'extension/native/wasm/trigram.js'), 'native/wasm/trigram.js');
      if (target !== HOST) assert.equal(await vsixEntry(vsix, 'extension/native/build/Release/swarm_index.node'), undefined);
    });
  }

  it(`this machine's package loads tree-sitter (its local build first, then the prebuild) and a grammar; its server answers symbols native and wasm`, async function () {
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
      // The packaged server answers swarm/symbols natively and with native code disabled (wasm).
      const ws = tempDir();
      cpSync(join(ROOT, 'test', 'unit', 'index', 'fixtures', 'symbols'), ws.path, { recursive: true });
      try {
        const answers = [];
        for (const [env, engine] of [[{}, 'native'], [{ SWARMCODE_NO_NATIVE: '1' }, 'wasm']] as const) {
          const server = await startServer(ws.path, { baseUrl: 'http://127.0.0.1:9', apiKey: 'k' }, { serverPath: join(dir, 'extension', 'dist', 'server.js'), env: { ...process.env, ...env } });
          try {
            const r = await server.connection.sendRequest(SymbolsRequest, { name: 'Vec' });
            assert.equal(r.symbolsEngine, engine);
            assert.ok(r.defs.some((d) => d.path === 'vec.cpp' && d.kind === 'class'), JSON.stringify(r));
            answers.push(r.defs);
          } finally {
            await server.shutdown();
          }
        }
        assert.deepEqual(answers[1], answers[0]);
      } finally {
        ws.cleanup();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
