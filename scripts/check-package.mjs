// Checks a packaged .vsix for one target by the magic numbers of every file in it: each
// executable or shared library must be the target's format (ELF on Linux, Mach-O on macOS, PE on
// Windows) and architecture, ripgrep must be there in that format, and the tree-sitter prebuilds
// must be the target's only. Symbols: the tree-sitter core's prebuild for the target, and per
// grammar its prebuild (`grammars[lang] = 'prebuild'`) or, where the package has none that fits,
// only the WebAssembly fallback (`'wasm'`); web-tree-sitter and every grammar's .wasm always ship.
//   node scripts/check-package.mjs dist/swarmcode-win32-x64.vsix win32-x64
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(import.meta.url);

const ELF_MACHINE = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm', 0x03: 'ia32', 0xf3: 'riscv64' };
const PE_MACHINE = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32', 0x1c4: 'arm' };
const MACHO_CPU = { 0x01000007: 'x64', 0x0100000c: 'arm64', 7: 'ia32', 12: 'arm' };
const FORMAT = { linux: 'elf', darwin: 'macho', win32: 'pe' };
/** The grammars the symbol index loads: package → the .wasm files it must ship. */
export const GRAMMARS = {
  c: ['c'], cpp: ['cpp'], go: ['go'], java: ['java'], javascript: ['javascript'], python: ['python'], rust: ['rust'],
  typescript: ['typescript', 'tsx'],
};
const isWasm = (buf) => buf.length >= 8 && buf.readUInt32BE(0) === 0x0061736d;

/** The executable format and architecture of a file's first bytes, or undefined for data. */
export function classify(buf) {
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) return { format: 'elf', arch: ELF_MACHINE[buf.readUInt16LE(18)] ?? `machine ${buf.readUInt16LE(18)}` };
  if (buf.length >= 8 && buf.readUInt32LE(0) === 0xfeedfacf) return { format: 'macho', arch: MACHO_CPU[buf.readUInt32LE(4)] ?? `cpu ${buf.readUInt32LE(4)}` };
  if (buf.length >= 8 && buf.readUInt32LE(0) === 0xfeedface) return { format: 'macho', arch: MACHO_CPU[buf.readUInt32LE(4)] ?? `cpu ${buf.readUInt32LE(4)}` };
  // Universal (fat) Mach-O; Java class files share the magic but have a version > 40 there.
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0xcafebabe && buf.readUInt32BE(4) < 20) {
    const archs = [];
    for (let i = 0; i < buf.readUInt32BE(4) && 8 + i * 20 + 4 <= buf.length; i++) archs.push(MACHO_CPU[buf.readUInt32BE(8 + i * 20)] ?? 'other');
    return { format: 'macho', arch: archs.join('+') };
  }
  if (buf.length >= 0x40 && buf.toString('latin1', 0, 2) === 'MZ') {
    const pe = buf.readUInt32LE(0x3c);
    if (pe + 6 <= buf.length && buf.readUInt32BE(pe) === 0x50450000) return { format: 'pe', arch: PE_MACHINE[buf.readUInt16LE(pe + 4)] ?? `machine ${buf.readUInt16LE(pe + 4)}` };
    return { format: 'pe', arch: 'unknown' };
  }
  return undefined;
}

/** Reads the first `n` bytes of every file entry of a zip. */
function heads(zipPath, n = 4096) {
  const yauzl = require('yauzl');
  return new Promise((resolveAll, reject) => {
    const out = [];
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.on('error', reject);
      zip.on('end', () => resolveAll(out));
      zip.on('entry', (entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks = [];
          let got = 0;
          stream.on('data', (c) => {
            if (got < n) chunks.push(c);
            got += c.length;
          });
          stream.on('end', () => {
            out.push({ path: entry.fileName, size: entry.uncompressedSize, head: Buffer.concat(chunks).subarray(0, n) });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.readEntry();
    });
  });
}

/** Every binary in the package and every rule it breaks for `target`. */
export async function checkVsix(vsix, target) {
  const [os, arch] = target.split('-');
  const want = FORMAT[os];
  const files = await heads(vsix);
  const binaries = [];
  const problems = [];
  for (const f of files) {
    const kind = classify(f.head);
    if (!kind) continue;
    binaries.push({ path: f.path, ...kind });
    const archOk = kind.arch === arch || (kind.format === 'macho' && kind.arch.split('+').includes(arch));
    if (kind.format !== want || !archOk) problems.push(`${f.path}: ${kind.format} ${kind.arch}, not ${want} ${arch}`);
  }
  const rgName = `extension/dist/node_modules/@vscode/ripgrep-${target}/bin/${os === 'win32' ? 'rg.exe' : 'rg'}`;
  const rg = binaries.find((b) => b.path === rgName);
  if (!rg) problems.push(`no ripgrep for ${target} (${rgName})`);
  const treeSitter = `extension/dist/node_modules/tree-sitter/prebuilds/${target}/tree-sitter.node`;
  if (!binaries.some((b) => b.path === treeSitter)) problems.push(`no tree-sitter prebuild for ${target} (${treeSitter})`);
  const mods = 'extension/dist/node_modules';
  const byPath = new Map(files.map((f) => [f.path, f]));
  const wasmOk = (path) => {
    const f = byPath.get(path);
    if (!f) problems.push(`no ${path} (the WebAssembly fallback)`);
    else if (!isWasm(f.head)) problems.push(`${path} is not WebAssembly`);
  };
  wasmOk(`${mods}/web-tree-sitter/tree-sitter.wasm`);
  if (!byPath.has(`${mods}/web-tree-sitter/tree-sitter.cjs`)) problems.push(`no ${mods}/web-tree-sitter/tree-sitter.cjs`);
  const grammars = {};
  for (const [pkg, langs] of Object.entries(GRAMMARS)) {
    for (const l of langs) wasmOk(`${mods}/tree-sitter-${pkg}/tree-sitter-${l}.wasm`);
    grammars[pkg] = binaries.some((b) => b.path === `${mods}/tree-sitter-${pkg}/prebuilds/${target}/tree-sitter-${pkg}.node`) ? 'prebuild' : 'wasm';
  }
  for (const f of files) {
    const m = /\/prebuilds\/([^/]+)\//.exec(f.path);
    if (m && m[1] !== target) problems.push(`${f.path}: another platform's prebuild`);
  }
  return { files: files.length, binaries, problems, grammars };
}

const self = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'check-package.mjs');
if (self) {
  const [vsix, target] = process.argv.slice(2);
  if (!vsix || !target) {
    process.stderr.write('usage: node scripts/check-package.mjs VSIX TARGET\n');
    process.exit(2);
  }
  checkVsix(vsix, target).then((r) => {
    const formats = {};
    for (const b of r.binaries) formats[`${b.format} ${b.arch}`] = (formats[`${b.format} ${b.arch}`] ?? 0) + 1;
    process.stdout.write(`${vsix}: ${r.files} files, binaries ${JSON.stringify(formats)}\n`);
    const wasmOnly = Object.entries(r.grammars).filter(([, e]) => e === 'wasm').map(([g]) => g);
    process.stdout.write(`  symbols: tree-sitter prebuilds for ${Object.keys(r.grammars).length - wasmOnly.length} grammars${wasmOnly.length ? `; WebAssembly only: ${wasmOnly.join(', ')}` : ''}\n`);
    for (const p of r.problems) process.stdout.write(`  ✗ ${p}\n`);
    process.exit(r.problems.length ? 1 : 0);
  });
}
