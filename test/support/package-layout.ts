// A copy of the installed package's layout in a temp folder — dist/server.js, native/wasm/ and
// node_modules (links to this checkout's modules) — with one part broken the way it breaks on a
// user's machine: a truncated trigram.wasm (an interrupted download or unpack), no wasm at all,
// a tree-sitter package whose native binding is for another CPU or cut short, a native search
// addon cut short.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ROOT, tempDir } from './server';

export interface PackageLayoutOptions {
  /** native/wasm/trigram.wasm: the real one (default), cut to its first 5000 bytes, or absent. */
  wasm?: 'ok' | 'truncated' | 'missing';
  /**
   * node_modules/tree-sitter whose build/Release binding is the prebuild for another CPU (dlopen
   * refuses it) or this CPU's cut to 64 KiB (dlopen maps it, and touching it raised SIGBUS).
   */
  treeSitter?: 'other-cpu' | 'cut';
  /** native/build/Release/swarm_index.node: this checkout's addon cut to 64 KiB (default: none). */
  nativeAddon?: 'cut';
}

export interface PackageLayout {
  root: string;
  /** The server bundle to start (startServer's serverPath). */
  serverPath: string;
  cleanup(): void;
}

/** No native addon is copied: the search engine is chosen from wasm and ripgrep. */
export function packageLayout(opts: PackageLayoutOptions = {}): PackageLayout {
  ensureBuilt();
  const dir = tempDir('swarm-package-');
  const root = dir.path;
  mkdirSync(join(root, 'dist'));
  copyFileSync(join(ROOT, 'dist/server.js'), join(root, 'dist/server.js'));
  const wasmDir = join(root, 'native/wasm');
  mkdirSync(wasmDir, { recursive: true });
  copyFileSync(join(ROOT, 'native/wasm/trigram.js'), join(wasmDir, 'trigram.js'));
  const wasm = readFileSync(join(ROOT, 'native/wasm/trigram.wasm'));
  if (opts.wasm === 'truncated') writeFileSync(join(wasmDir, 'trigram.wasm'), wasm.subarray(0, 5000));
  else if (opts.wasm !== 'missing') writeFileSync(join(wasmDir, 'trigram.wasm'), wasm);
  const modules = join(root, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'tree-sitter' && opts.treeSitter) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  if (opts.treeSitter) {
    // The package as installed (node-gyp-build loads build/Release first).
    const from = join(ROOT, 'node_modules/tree-sitter');
    const to = join(modules, 'tree-sitter');
    mkdirSync(join(to, 'build/Release'), { recursive: true });
    for (const f of ['package.json', 'index.js']) copyFileSync(join(from, f), join(to, f));
    const cpu = opts.treeSitter === 'cut' ? process.arch : process.arch === 'arm64' ? 'x64' : 'arm64';
    const binding = readFileSync(join(from, 'prebuilds', `${process.platform}-${cpu}`, 'tree-sitter.node'));
    writeFileSync(join(to, 'build/Release/tree_sitter_runtime_binding.node'), opts.treeSitter === 'cut' ? binding.subarray(0, 65536) : binding);
  }
  if (opts.nativeAddon === 'cut') {
    mkdirSync(join(root, 'native/build/Release'), { recursive: true });
    writeFileSync(join(root, 'native/build/Release/swarm_index.node'), readFileSync(join(ROOT, 'native/build/Release/swarm_index.node')).subarray(0, 65536));
  }
  return { root, serverPath: join(root, 'dist/server.js'), cleanup: dir.cleanup };
}
