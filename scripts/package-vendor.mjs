// Copies the runtime packages that scripts/build.mjs keeps external (binary-shipping or native)
// into dist/node_modules/, with their production dependency closure, so the packaged .vsix
// (`vsce package --no-dependencies` ships dist/ but never the top-level node_modules/) can still
// `require()` them: Node resolves dist/server.js's requires from dist/node_modules first.
//
// Only the current platform's optional packages are copied (e.g. @vscode/ripgrep-linux-x64 with
// the rg binary), so a .vsix is platform-specific. Sources, headers and build intermediates of
// native packages are left out; compiled `.node` files and JSON are kept.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// External in scripts/build.mjs and needed by dist/server.js at run time.
// node-llama-cpp (the embedded engine) comes with this platform's CPU build only: its CUDA and
// Vulkan builds are hundreds of MB. The server loads it lazily, only for `baseUrl: local`.
const VENDORED = /^(@vscode\/ripgrep|puppeteer-core|esbuild|react|react-dom|node-llama-cpp|tree-sitter(-.*)?)$/;
const out = join(root, 'dist', 'node_modules');
const DROP_FILE = /\.(c|cc|cpp|cxx|h|hpp|hh|o|a|obj|gyp|gypi|mk|map|md|markdown|d\.ts|d\.mts|d\.cts|tsbuildinfo|wasm|bundle)$|(^|[\\/])grammar\.json$/i;
const PLATFORM = `${process.platform}-${process.arch}`;
/** Optional packages of other platforms or GPU back-ends, skipped even when npm installed them. */
const isForeignBuild = (name) => name.startsWith('@node-llama-cpp/') && name !== `@node-llama-cpp/${PLATFORM}`;
const DROP_DIR = new Set(['test', 'tests', '__tests__', 'example', 'examples', 'docs', '.github', 'obj.target', 'deps', '.deps', 'node_modules']);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

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

const copied = new Map(); // source dir -> name
let bytes = 0;
function vendor(name, fromDir, optional) {
  const dir = packageDir(name, fromDir);
  if (!dir) {
    if (!optional) throw new Error(`cannot resolve ${name} from ${fromDir}`);
    return; // an optional dependency for another platform
  }
  if (copied.has(dir)) return;
  copied.set(dir, name);
  // Keep the package's place in the node_modules tree (nested installs stay nested).
  const rel = relative(join(root, 'node_modules'), dir);
  if (rel.startsWith('..')) throw new Error(`${name} resolved outside node_modules: ${dir}`);
  const dest = join(out, rel);
  const native = existsSync(join(dir, 'binding.gyp'));
  cpSync(dir, dest, {
    recursive: true,
    dereference: true,
    filter: (src) => {
      const r = relative(dir, src);
      if (r === '') return true;
      const parts = r.split(sep);
      if (parts.some((p) => DROP_DIR.has(p))) return false;
      const st = statSync(src);
      if (st.isDirectory()) return true;
      // build/ trees of native packages: keep only the compiled addons.
      if (parts[0] === 'build' && native && !src.endsWith('.node')) return false;
      // prebuildify layout: prebuilds/<platform>-<arch>/*.node; keep this platform's only.
      if (parts[0] === 'prebuilds' && parts.length > 1 && parts[1] !== PLATFORM) return false;
      if (DROP_FILE.test(src)) return false;
      bytes += st.size;
      return true;
    },
  });
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(meta.dependencies ?? {})) vendor(dep, dir, false);
  for (const dep of Object.keys(meta.optionalDependencies ?? {})) if (!isForeignBuild(dep)) vendor(dep, dir, true);
  for (const [dep, info] of Object.entries(meta.peerDependenciesMeta ?? {})) if (!info?.optional) vendor(dep, dir, true);
}

const roots = Object.keys(pkg.dependencies ?? {}).filter((d) => VENDORED.test(d));
for (const name of roots) vendor(name, root, false);
console.log(`vendored ${copied.size} packages (${(bytes / 1e6).toFixed(1)} MB) into dist/node_modules for ${roots.join(', ')}`);
