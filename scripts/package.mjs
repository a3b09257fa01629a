// `npm run package [-- --target T]...`: the production build, then one .vsix per target.
//   no --target       this machine's package: dist/swarmcode.vsix (what the e2e tier installs)
//   --target T        dist/swarmcode-T.vsix for T in linux-x64, linux-arm64, darwin-x64,
//                     darwin-arm64, win32-x64, win32-arm64 (repeatable; `--target all` for all six)
//   --no-build        package the dist/*.js already built
// Each target is staged in .cache/package/<T>/ (package.json, README, LICENSE, media/, dist/*.js,
// the vendored dist/node_modules for T, the native search index only when T is this machine,
// and its WebAssembly build for every T) and packed there by `vsce package --target T --no-dependencies`, so no other
// platform's binary can slip in. scripts/check-package.mjs verifies the result.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HOST, TARGETS, vendor } from './package-vendor.mjs';

const root = resolve(import.meta.dirname, '..');
/** The trigram index's WebAssembly build (scripts/build-wasm.mjs): glue and module. */
export const WASM_FILES = ['trigram.js', 'trigram.wasm'];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** The .vsix path a target is written to (undefined target: this machine's, dist/swarmcode.vsix). */
export function vsixPath(target) {
  return join(root, 'dist', target ? `swarmcode-${target}.vsix` : 'swarmcode.vsix');
}

const SHIP = `# Staged by scripts/package.mjs: everything here ships.
**/*.ts
**/*.map
`;

/** Stages and packs one target; returns the .vsix path. */
export function packageTarget(target) {
  const t = target ?? HOST;
  const stage = join(root, '.cache', 'package', t);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'dist'), { recursive: true });
  for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
  cpSync(join(root, 'media'), join(stage, 'media'), { recursive: true });
  for (const f of readdirSync(join(root, 'dist'))) if (/\.(js|css)$/.test(f)) cpSync(join(root, 'dist', f), join(stage, 'dist', f));
  writeFileSync(join(stage, '.vscodeignore'), SHIP);
  vendor({ root, target: t, out: join(stage, 'dist', 'node_modules') });
  // The trigram index addon is compiled on this machine only; every target carries its
  // WebAssembly build (platform-neutral), which the server loads where the addon is missing.
  const addon = join(root, 'native', 'build', 'Release', 'swarm_index.node');
  if (t === HOST && existsSync(addon)) cpSync(addon, join(stage, 'native', 'build', 'Release', 'swarm_index.node'));
  for (const f of WASM_FILES) cpSync(join(root, 'native', 'wasm', f), join(stage, 'native', 'wasm', f));
  const out = vsixPath(target);
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const targetArgs = target || TARGETS.includes(HOST) ? ['--target', t] : [];
  run(process.execPath, [vsce, 'package', '--no-dependencies', ...targetArgs, '--out', out], { cwd: stage });
  return out;
}

const self = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'package.mjs');
if (self) {
  const argv = process.argv.slice(2);
  const targets = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target') {
      const v = argv[++i];
      if (v === 'all') targets.push(...TARGETS);
      else if (TARGETS.includes(v)) targets.push(v);
      else {
        process.stderr.write(`package: --target must be one of ${TARGETS.join(', ')} or all (got ${v ?? 'nothing'})\n`);
        process.exit(2);
      }
    } else if (argv[i] !== '--no-build') {
      process.stderr.write(`package: unknown argument ${argv[i]}\n`);
      process.exit(2);
    }
  }
  try {
    if (!argv.includes('--no-build')) run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root });
    for (const t of targets.length ? targets : [undefined]) process.stdout.write(`package: ${packageTarget(t)}\n`);
  } catch (err) {
    process.stderr.write(`package: ${err.message}\n`);
    process.exit(1);
  }
}
