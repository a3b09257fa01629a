// `npm test`: check the system packages, build, type-check, then every mocha tier that can run in
// one run, ending with a plain "N passed, N failed" line. Tiers can be picked: `npm test -- unit
// protocol`. A tier whose system packages are missing is skipped with the one `apt-get install`
// line that fixes it; the other tiers still run, and the exit status is then 1. The `setup` tier
// replays a first run in a fresh clone (missing packages, a failed or half-finished e2e set-up).
// The `package` tier packs all six targets (minutes; other platforms' binaries come from npm).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkPrereqs, describe } from './prereqs.mjs';

const ALL = ['unit', 'protocol', 'security', 'setup', 'browser', 'e2e', 'package'].filter((t) => existsSync(`test/${t}`));
const tiers = process.argv.slice(2).filter((a) => ALL.includes(a));
const requested = tiers.length ? tiers : ALL;

const prereqs = checkPrereqs();
const report = describe(prereqs);
if (report) process.stdout.write(`\n> system packages\n${report}\n`);
if (!prereqs.nodeOk) process.exit(1);
const skipped = new Map(requested.filter((t) => prereqs.blocked.has(t)).map((t) => [t, `missing ${prereqs.blocked.get(t).join(', ')}`]));
// `--plan`: print the tiers that would run and those skipped, then stop (used by the tests).
if (process.argv.includes('--plan')) {
  process.stdout.write(`tiers: ${requested.filter((t) => !skipped.has(t)).join(', ') || 'none'}\n`);
  for (const [t, why] of skipped) process.stdout.write(`not run: ${t} (${why})\n`);
  process.exit(skipped.size ? 1 : 0);
}

function step(label, cmd, args) {
  process.stdout.write(`\n> ${label}\n`);
  return spawnSync(cmd, args, { stdio: 'inherit' }).status === 0;
}

// `--no-typecheck`: skip tsc (the setup tier's repeat runs in a clone; types are checked once).
const typecheck = () => process.argv.includes('--no-typecheck') || step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
if (!step('build', process.execPath, ['scripts/build.mjs']) || !typecheck()) {
  process.stdout.write('\n0 passed, 1 failed: build\n');
  process.exit(1);
}
// The e2e set-up downloads code-server; when it fails (offline, a broken cache it could not
// repair) the e2e tier is skipped and the others still run.
if (requested.includes('e2e') && !skipped.has('e2e') && !step('e2e setup', process.execPath, ['scripts/e2e-setup.mjs'])) {
  skipped.set('e2e', 'its set-up failed (see above; a rerun starts the set-up over)');
}

const selected = requested.filter((t) => !skipped.has(t));
const summary = (passed, failed, pending) => {
  const skip = [...skipped].map(([t, why]) => `${t} (${why})`).join('; ');
  let line = `\n${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`;
  if (skip) line += `\ntiers not run: ${skip}${prereqs.installLine ? `\n  ${prereqs.installLine}` : ''}`;
  process.stdout.write(`${line}\n`);
};
if (!selected.length) {
  summary(0, 0, 0);
  process.exit(1);
}

const specs = selected.map((t) => `test/${t}/**/*.test.ts`);
process.stdout.write(`\n> tiers: ${selected.join(', ')}\n`);
const mocha = spawn(process.execPath, ['node_modules/mocha/bin/mocha.js', ...specs], { stdio: ['inherit', 'pipe', 'inherit'] });
let out = '';
mocha.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
});
mocha.on('exit', (code) => {
  const passed = Number(/(\d+) passing/.exec(out)?.[1] ?? 0);
  const failed = Number(/(\d+) failing/.exec(out)?.[1] ?? 0);
  const pending = Number(/(\d+) pending/.exec(out)?.[1] ?? 0);
  summary(passed, failed, pending);
  process.exit(code === 0 && passed > 0 && !skipped.size ? 0 : code || 1);
});
