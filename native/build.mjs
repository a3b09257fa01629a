// Builds the swarm_index addon with node-gyp, offline: the headers of the running Node are used
// when they are on disk (Debian's nodejs ships them in /usr/include/node), so nothing downloads.
// Runs as the root package's `install` script. A failed build is not fatal: the server falls
// back to ripgrep and logs why (native/index.ts). Set SWARMCODE_REQUIRE_NATIVE=1 to make it fatal.
// An unchanged native/ is not recompiled: the build writes a stamp (a hash of the sources, the
// Node ABI, platform and arch) next to the addon, and a later `npm install` / `npm ci` with the
// same stamp and the addon present skips the compiler. SWARMCODE_REBUILD_NATIVE=1 forces it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const prefix = dirname(dirname(process.execPath));
  candidates.push(join(prefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  candidates.push(join(dirname(process.execPath), 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  return candidates.find((c) => c && existsSync(c));
}

function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include/node/node_api.h'))) return [`--nodedir=${prefix}`];
  return [];
}

/** What the compiled addon depends on: every source file, the build files, and the Node it is for. */
export function sourceStamp(dir = here) {
  const h = createHash('sha256');
  h.update(`${process.platform}-${process.arch} abi${process.versions.modules} napi${process.versions.napi}\n`);
  const files = ['binding.gyp', 'build.mjs', ...readdirSync(join(dir, 'src')).sort().map((f) => join('src', f))];
  for (const f of files) h.update(`${f}\0`).update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex');
}

const addon = join(here, 'build', 'Release', 'swarm_index.node');
const stampFile = join(here, 'build', 'Release', 'swarm_index.stamp');
const stamp = sourceStamp();
const upToDate = () => process.env.SWARMCODE_REBUILD_NATIVE !== '1' && existsSync(addon) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp;

const gyp = findNodeGyp();
let status = 1;
if (upToDate()) {
  process.stdout.write('swarmcode: native search index up to date (native/ unchanged); not rebuilt\n');
  status = 0;
} else if (!gyp) {
  process.stderr.write('swarmcode: node-gyp not found; the native search index is not built (ripgrep fallback)\n');
} else {
  const jobs = process.env.JOBS ?? '2';
  const r = spawnSync(process.execPath, [gyp, 'rebuild', `--jobs=${jobs}`, ...nodedirArgs()], {
    cwd: here,
    stdio: 'inherit',
  });
  status = r.status ?? 1;
  if (status !== 0) process.stderr.write('swarmcode: native search index build failed (ripgrep fallback)\n');
  else if (existsSync(addon)) writeFileSync(stampFile, `${stamp}\n`);
}
process.exit(status !== 0 && process.env.SWARMCODE_REQUIRE_NATIVE === '1' ? status : 0);
