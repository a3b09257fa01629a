// `npm run publish [-- --dry-run] [--target T]...`: checks the manifest for both marketplaces,
// packages every target with vsce (scripts/package.mjs) and checks each package
// (scripts/check-package.mjs), then uploads the same .vsix files with `vsce publish
// --packagePath` (VS Code Marketplace, token in VSCE_PAT) and `ovsx publish` (Open VSX, token in
// OVSX_PAT; ovsx packages through vsce too, so one package serves both). `--dry-run` does
// everything but the uploads, and prints the upload commands it would run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkVsix } from './check-package.mjs';
import { packageTarget } from './package.mjs';
import { TARGETS } from './package-vendor.mjs';

const root = resolve(import.meta.dirname, '..');

/** What the VS Code Marketplace and Open VSX need of package.json; returns the problems. */
export function manifestProblems(pkg, exists = (p) => existsSync(join(root, p))) {
  const problems = [];
  if (pkg.private) problems.push('"private": true (marketplaces refuse private packages)');
  for (const f of ['name', 'displayName', 'description', 'version', 'publisher', 'license']) if (!pkg[f]) problems.push(`no "${f}"`);
  if (!pkg.engines?.vscode) problems.push('no engines.vscode');
  if (!pkg.repository?.url) problems.push('no repository.url (Open VSX shows it; vsce resolves README links with it)');
  if (!pkg.icon) problems.push('no icon');
  else if (!pkg.icon.endsWith('.png')) problems.push(`icon ${pkg.icon} is not a PNG (SVG icons are refused)`);
  else if (!exists(pkg.icon)) problems.push(`icon ${pkg.icon} does not exist`);
  if (!pkg.galleryBanner?.color) problems.push('no galleryBanner.color');
  for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE']) if (!exists(f)) problems.push(`no ${f}`);
  return problems;
}

/** Images the README shows from media/ that are missing (screenshots of the real panel). */
export function readmeImageProblems(readme, exists = (p) => existsSync(join(root, p))) {
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  const problems = [];
  if (!images.some((i) => i.startsWith('media/'))) problems.push('the README shows no screenshot from media/');
  for (const i of images) {
    if (/^https?:/.test(i)) continue;
    if (i.endsWith('.svg')) problems.push(`${i}: SVG images are refused in README`);
    if (!exists(i)) problems.push(`${i}: missing`);
  }
  return problems;
}

function bin(name, file) {
  const p = join(root, 'node_modules', ...name.split('/'), file);
  return existsSync(p) ? p : undefined;
}

async function main() {
  const argv = process.argv.slice(2);
  const dryRun = argv.includes('--dry-run');
  const targets = [];
  for (let i = 0; i < argv.length; i++) if (argv[i] === '--target') targets.push(argv[++i]);
  const bad = targets.filter((t) => !TARGETS.includes(t));
  if (bad.length) {
    process.stderr.write(`publish: unknown target ${bad.join(', ')}; one of ${TARGETS.join(', ')}\n`);
    process.exit(2);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const problems = [...manifestProblems(pkg), ...readmeImageProblems(readFileSync(join(root, 'README.md'), 'utf8'))];
  if (problems.length) {
    process.stderr.write(`publish: the manifest is not ready:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  const vsce = bin('@vscode/vsce', 'vsce');
  const ovsx = bin('ovsx', 'lib/ovsx');
  if (!ovsx) process.stderr.write('publish: ovsx is not installed (a devDependency: run npm ci); the Open VSX step is skipped\n');
  if (!dryRun && (!process.env.VSCE_PAT || (ovsx && !process.env.OVSX_PAT))) {
    process.stderr.write('publish: set VSCE_PAT (VS Code Marketplace) and OVSX_PAT (Open VSX), or use --dry-run\n');
    process.exit(2);
  }
  const run = (args) => {
    if (dryRun && args.includes('publish')) {
      process.stdout.write(`publish (dry run): would run ${args.map((a) => (a.startsWith(root) ? a.slice(root.length + 1) : a)).join(' ')}\n`);
      return;
    }
    const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status})`);
  };
  try {
    run([join(root, 'scripts', 'build.mjs'), '--production']);
    for (const t of targets.length ? targets : TARGETS) {
      const vsix = packageTarget(t);
      const check = await checkVsix(vsix, t);
      if (check.problems.length) throw new Error(`${vsix}:\n${check.problems.join('\n')}`);
      process.stdout.write(`publish: ${vsix} checked (${check.binaries.length} ${t} binaries)\n`);
      run([vsce, 'publish', '--packagePath', vsix]);
      if (ovsx) run([ovsx, 'publish', vsix]);
    }
  } catch (err) {
    process.stderr.write(`publish: ${err.message}\n`);
    process.exit(1);
  }
}

const self = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'publish.mjs');
if (self) main();
