// Copies the runtime packages that scripts/build.mjs keeps external (binary-shipping or native)
// into <stage>/dist/node_modules/, with their production dependency closure, so the packaged .vsix
// (`vsce package --no-dependencies` never ships the top-level node_modules/) can still `require()`
// them: Node resolves dist/server.js's requires from dist/node_modules first.
//
// Per target (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64, win32-arm64): a
// platform package (one the lock file marks with `os`/`cpu`) is kept only for the target, and one
// npm did not install on this machine is fetched with `npm pack` (the lock's exact version) into
// .cache/platform-packages/. The CUDA and Vulkan builds of node-llama-cpp are left out (hundreds of
// MB; the CPU or Metal build is kept). prebuildify trees (`prebuilds/<platform>-<arch>/`) keep
// only the target's, and a native package that has one drops its locally compiled build/.
// Sources, headers and build intermediates are left out; compiled `.node` files and JSON are kept.
//
//   node scripts/package-vendor.mjs [--target T] [--out DIR]   (default: this machine, dist/node_modules)
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { classify } from './check-package.mjs';

export const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
export const HOST = `${process.platform}-${process.arch}`;
// External in scripts/build.mjs and needed by dist/server.js at run time.
const VENDORED = /^(@vscode\/ripgrep|puppeteer-core|esbuild|react|react-dom|node-llama-cpp|tree-sitter(-.*)?|web-tree-sitter)$/;
// The symbol index's fallback where no native tree-sitter loads: web-tree-sitter's runtime and each
// top-level grammar package's own tree-sitter-<lang>.wasm (a nested copy, e.g. tree-sitter-cpp's
// tree-sitter-c, is not loaded by the server and stays out).
const KEEP_WASM = /^node_modules\/(web-tree-sitter\/tree-sitter|tree-sitter-[a-z]+\/tree-sitter-[a-z]+)\.wasm$/;
const GPU_BUILD = /^@node-llama-cpp\/.*-(cuda|cuda-ext|vulkan)$/;
const DROP_FILE = /\.(c|cc|cpp|cxx|h|hpp|hh|o|a|obj|gyp|gypi|mk|map|md|markdown|d\.ts|d\.mts|d\.cts|tsbuildinfo|wasm|bundle)$|(^|[\\/])grammar\.json$/i;
const DROP_DIR = new Set(['test', 'tests', '__tests__', 'example', 'examples', 'docs', '.github', 'obj.target', 'deps', '.deps', 'node_modules']);
// Per package: folders it ships that the server never loads (web-tree-sitter's debug build, its C sources).
const DROP_PKG_DIR = { 'web-tree-sitter': new Set(['debug', 'lib', 'src']) };

const FORMAT = { linux: 'elf', darwin: 'macho', win32: 'pe' };

/** Whether a compiled file is really for the target, by its header (undefined: not a binary). */
function binaryFits(file, target) {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4096);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const kind = classify(head.subarray(0, n));
  if (!kind) return undefined;
  const [os, arch] = target.split('-');
  return kind.format === FORMAT[os] && (kind.arch === arch || kind.arch.split('+').includes(arch));
}

export class VendorError extends Error {
  name = 'VendorError';
}

/** Whether a package the lock marks with os/cpu belongs to the target (first cpu: its own arch). */
export function platformMatch(entry, target) {
  const [os, arch] = target.split('-');
  if (entry.os && !entry.os.includes(os)) return false;
  if (entry.cpu && entry.cpu[0] !== arch) return false;
  return true;
}

/** npm pack NAME@VERSION into the cache, unpacked; returns the package directory. */
function fetchPackage(root, name, version) {
  const cache = join(root, '.cache', 'platform-packages');
  const dir = join(cache, `${name.replace('/', '+')}@${version}`);
  if (existsSync(join(dir, 'package', 'package.json'))) return join(dir, 'package');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`package-vendor: npm pack ${name}@${version}\n`);
  const pack = spawnSync('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--silent'], { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' });
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (pack.status !== 0 || !tgz) throw new VendorError(`npm pack ${name}@${version} failed: ${pack.stderr || pack.stdout}`);
  const untar = spawnSync('tar', ['-xzf', tgz], { cwd: dir, encoding: 'utf8' });
  if (untar.status !== 0) throw new VendorError(`unpacking ${tgz} failed: ${untar.stderr}`);
  rmSync(join(dir, tgz));
  return join(dir, 'package');
}

/**
 * Vendors for one target into `out` (a node_modules directory). Returns the packages copied
 * (lock path → source) and the bytes.
 */
export function vendor({ root = process.cwd(), target = HOST, out = join(root, 'dist', 'node_modules'), log = (s) => process.stdout.write(`${s}\n`) } = {}) {
  if (target !== HOST && !TARGETS.includes(target)) throw new VendorError(`unknown target ${target}; one of ${TARGETS.join(', ')}`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  const [tPlatform] = target.split('-');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const copied = new Map(); // dest rel path -> source dir
  const dropped = []; // prebuilds whose binary is not the target's (upstream packaging mistakes)
  let bytes = 0;

  function packageDir(name, fromDir) {
    const req = createRequire(join(fromDir, 'noop.js'));
    try {
      return dirname(req.resolve(`${name}/package.json`));
    } catch {
      // Packages whose "exports" hide package.json: walk up from the main entry.
      let dir;
      try {
        dir = dirname(req.resolve(name));
      } catch {
        return undefined;
      }
      while (dir !== dirname(dir)) {
        if (existsSync(join(dir, 'package.json')) && JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === name) return dir;
        dir = dirname(dir);
      }
      return undefined;
    }
  }

  /** The lock entry of `name` as seen from the package at lock path `fromRel` (nested first). */
  function lockEntry(name, fromRel) {
    for (let base = fromRel; ; ) {
      const key = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (lock[key]) return [key, lock[key]];
      if (!base) return [undefined, undefined];
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  }

  function copyPackage(dir, rel) {
    const dest = join(out, relative('node_modules', rel));
    const native = existsSync(join(dir, 'binding.gyp'));
    const pkgName = rel.slice(rel.lastIndexOf('node_modules/') + 'node_modules/'.length);
    cpSync(dir, dest, {
      recursive: true,
      dereference: true,
      filter: (src) => {
        const r = relative(dir, src);
        if (r === '') return true;
        const parts = r.split(sep);
        if (parts.some((p) => DROP_DIR.has(p))) return false;
        if (DROP_PKG_DIR[pkgName]?.has(parts[0])) return false;
        const st = statSync(src);
        if (st.isDirectory()) return true;
        // build/ of a native package: this machine's compile (addons only), kept for this
        // machine's package next to the prebuild, which node-gyp-build tries second: prebuilds
        // may need a newer C++ runtime than the machine has (tree-sitter 0.25's linux-x64 one
        // wants GLIBCXX_3.4.31, Debian 12 has 3.4.30). Other targets ship the prebuild only.
        if (parts[0] === 'build' && native && (target !== HOST || !src.endsWith('.node'))) return false;
        // prebuildify layout: prebuilds/<platform>-<arch>/*.node; the target's only.
        if (parts[0] === 'prebuilds' && parts.length > 1 && parts[1] !== target) return false;
        // Some grammar releases ship another architecture's file under prebuilds/<target>
        // (tree-sitter-typescript 0.23.2's linux-arm64 is x86-64): left out, so the server
        // falls back for that language instead of failing to load it.
        if (parts[0] === 'prebuilds' && src.endsWith('.node') && binaryFits(src, target) === false) {
          dropped.push(relative(root, src));
          return false;
        }
        if (DROP_FILE.test(src) && !KEEP_WASM.test(`${rel}/${parts.join('/')}`)) return false;
        bytes += st.size;
        return true;
      },
    });
  }

  function visit(name, fromDir, fromRel, optional) {
    const [rel, entry] = lockEntry(name, fromRel);
    if (entry && (entry.os || entry.cpu)) {
      // A platform package: the target's (CPU build), fetched when this machine lacks it.
      if (!platformMatch(entry, target) || GPU_BUILD.test(name)) return;
      if (copied.has(rel)) return;
      const local = packageDir(name, fromDir);
      const dir = local && target === HOST ? local : fetchPackage(root, name, entry.version);
      copied.set(rel, dir);
      copyPackage(dir, rel);
      return;
    }
    const local = packageDir(name, fromDir);
    if (!local) {
      if (!optional) throw new VendorError(`cannot resolve ${name} from ${fromDir}`);
      return;
    }
    // An install script may have changed the package for this machine (esbuild swaps its
    // bin/esbuild for this platform's binary; node-gyp builds): other targets get npm's tarball.
    const dir = target !== HOST && entry?.hasInstallScript ? fetchPackage(root, name, entry.version) : local;
    const key = rel ?? relative(root, local).split(sep).join('/');
    if (key.startsWith('..')) throw new VendorError(`${name} resolved outside node_modules: ${dir}`);
    if (copied.has(key)) return;
    copied.set(key, dir);
    copyPackage(dir, key);
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (meta.os && !meta.os.includes(tPlatform)) throw new VendorError(`${name} is not for ${target}`);
    for (const dep of Object.keys(meta.dependencies ?? {})) visit(dep, dir, key, false);
    for (const dep of Object.keys(meta.optionalDependencies ?? {})) visit(dep, dir, key, true);
    for (const [dep, info] of Object.entries(meta.peerDependenciesMeta ?? {})) if (!info?.optional) visit(dep, dir, key, true);
  }

  const roots = Object.keys(pkg.dependencies ?? {}).filter((d) => VENDORED.test(d));
  for (const name of roots) visit(name, root, '', false);
  log(`vendored ${copied.size} packages (${(bytes / 1e6).toFixed(1)} MB) for ${target} into ${relative(root, out) || out}`);
  for (const d of dropped) log(`  left out ${d}: not a ${target} binary (the package's own mistake)`);
  return { copied, bytes, dropped };
}

const self = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'package-vendor.mjs');
if (self) {
  const arg = (flag) => {
    const i = process.argv.indexOf(flag);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  try {
    vendor({ target: arg('--target') ?? HOST, out: arg('--out') ? resolve(arg('--out')) : undefined });
  } catch (err) {
    process.stderr.write(`package-vendor: ${err.message}\n`);
    process.exit(1);
  }
}
