// `npm test`: build, type-check, then every mocha tier in one run, ending with a plain
// "N passed, N failed" line. Tiers can be picked: `npm test -- unit protocol`.
import { spawnSync, spawn } from 'node:child_process';

const ALL = ['unit', 'protocol', 'security', 'browser', 'e2e'];
const tiers = process.argv.slice(2).filter((a) => ALL.includes(a));
const selected = tiers.length ? tiers : ALL;

function step(label, cmd, args) {
  process.stdout.write(`\n> ${label}\n`);
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  if (res.status !== 0) {
    process.stdout.write(`\n0 passed, 1 failed: ${label}\n`);
    process.exit(res.status ?? 1);
  }
}

step('build', process.execPath, ['scripts/build.mjs']);
step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
if (selected.includes('e2e')) step('e2e setup', process.execPath, ['scripts/e2e-setup.mjs']);

const specs = selected.map((t) => `test/${t}/**/*.test.ts`);
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
  process.stdout.write(`\n${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}\n`);
  process.exit(code === 0 && passed > 0 ? 0 : code || 1);
});
