// Compiles the trigram index (native/src, the addon's C++) to WebAssembly with emscripten:
// native/wasm/trigram.js (the glue) + native/wasm/trigram.wasm, loaded from disk by
// native/wasm.ts on targets where the node-gyp addon is missing. Both are committed (emscripten
// is heavy and the wasm is platform-neutral) with native/wasm/trigram.stamp: the sha256 of the
// sources and flags they were built from. test/unit/native/wasm-stamp.test.ts fails when the
// committed build is stale.
//   node scripts/build-wasm.mjs            rebuild when stale (or --force); needs emcc
//   node scripts/build-wasm.mjs --check    exit 1 when stale, build nothing
// Debian: apt-get install -y emscripten (its tools need node-acorn, found via /usr/share/nodejs).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const OUT = join(root, 'native', 'wasm');

/** The C++ the wasm is made of (headers too): native/src minus the N-API files, plus the embind wrapper. */
export const NAPI_ONLY = ['binding.cc', 'index_wrap.cc', 'index_wrap.h'];
export function sources(base = root) {
  const src = readdirSync(join(base, 'native', 'src'))
    .filter((f) => !NAPI_ONLY.includes(f))
    .sort()
    .map((f) => join('native', 'src', f));
  return [...src, join('native', 'wasm', 'binding.cc')];
}

// Growth allowed up to 4 GiB (wasm32's limit); the index keeps its own cap below that
// (native/wasm.ts). NODERAWFS: fopen/stat reach the host file system. Synchronous
// instantiation: the module is ready when the factory returns. No network: the glue reads
// trigram.wasm next to itself.
export const FLAGS = [
  '-std=c++17',
  '-O3',
  '-msimd128',
  '-msse2',
  '--bind',
  '-sALLOW_MEMORY_GROWTH=1',
  '-sINITIAL_MEMORY=33554432',
  '-sMAXIMUM_MEMORY=4294967296',
  '-sNODERAWFS=1',
  '-sENVIRONMENT=node',
  '-sMODULARIZE=1',
  '-sEXPORT_NAME=createTrigramModule',
  '-sWASM_ASYNC_COMPILATION=0',
  '-sFILESYSTEM=1',
  '-sEXIT_RUNTIME=0',
  '-sNODEJS_CATCH_EXIT=0',
  '-sNODEJS_CATCH_REJECTION=0',
];

/** sha256 of the sources (by path and content) and the flags: what trigram.stamp records. */
export function sourceHash(base = root) {
  const h = createHash('sha256');
  h.update(`flags ${FLAGS.join(' ')}\n`);
  for (const f of sources(base)) h.update(`${f.replaceAll('\\', '/')}\0`).update(readFileSync(join(base, f))).update('\0');
  return h.digest('hex');
}

/** The hash recorded next to the committed build, or undefined. */
export function stampedHash(base = root) {
  const p = join(base, 'native', 'wasm', 'trigram.stamp');
  if (!existsSync(p)) return undefined;
  const m = /^sources-sha256 ([0-9a-f]{64})$/m.exec(readFileSync(p, 'utf8'));
  return m?.[1];
}

export function emccAvailable() {
  return spawnSync('emcc', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' }).status === 0;
}

function build() {
  const env = { ...process.env, NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(delimiter) };
  const units = sources().filter((f) => f.endsWith('.cc'));
  const args = [...FLAGS, ...units.map((f) => join(root, f)), '-o', join(OUT, 'trigram.js')];
  process.stdout.write(`build-wasm: emcc ${FLAGS.join(' ')} (${units.length} files)\n`);
  const r = spawnSync('emcc', args, { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`emcc failed (exit ${r.status ?? r.signal})`);
  const version = spawnSync('emcc', ['--version'], { encoding: 'utf8', env }).stdout.split('\n')[0];
  const wasm = readFileSync(join(OUT, 'trigram.wasm'));
  const stamp =
    `# Written by scripts/build-wasm.mjs; rebuild with \`node scripts/build-wasm.mjs\`.\n` +
    `sources-sha256 ${sourceHash()}\n` +
    `wasm-sha256 ${createHash('sha256').update(wasm).digest('hex')}\n` +
    `emcc ${version}\n`;
  writeFileSync(join(OUT, 'trigram.stamp'), stamp);
  process.stdout.write(`build-wasm: native/wasm/trigram.wasm ${(wasm.length / 1024).toFixed(0)} KiB\n`);
}

const self = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'build-wasm.mjs');
if (self) {
  const stale = stampedHash() !== sourceHash() || !existsSync(join(OUT, 'trigram.wasm')) || !existsSync(join(OUT, 'trigram.js'));
  if (process.argv.includes('--check')) {
    process.stdout.write(stale ? 'build-wasm: native/wasm is stale (run node scripts/build-wasm.mjs)\n' : 'build-wasm: native/wasm is up to date\n');
    process.exit(stale ? 1 : 0);
  }
  if (!stale && !process.argv.includes('--force')) {
    process.stdout.write('build-wasm: native/wasm is up to date (sources unchanged); not rebuilt\n');
  } else if (!emccAvailable()) {
    process.stderr.write('build-wasm: emcc not found (Debian: apt-get install -y emscripten); native/wasm not rebuilt\n');
    process.exit(1);
  } else {
    try {
      build();
    } catch (err) {
      process.stderr.write(`build-wasm: ${err.message}\n`);
      process.exit(1);
    }
  }
}
