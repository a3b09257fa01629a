// `npm run bench [-- NAME...]`: runs bench/<NAME>/index.ts (all of them by default), each printing its tables.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const all = readdirSync('bench', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`bench/${d.name}/index.ts`))
  .map((d) => d.name)
  .sort();
const picked = process.argv.slice(2);
const unknown = picked.filter((n) => !all.includes(n));
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const name of picked.length ? picked : all) {
  process.stdout.write(`\n=== bench/${name} ===\n`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}/index.ts`], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
