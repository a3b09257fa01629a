// Builds the swarm_index addon with node-gyp, offline: the headers of the running Node are used
// when they are on disk (Debian's nodejs ships them in /usr/include/node), so nothing downloads.
// Runs as the root package's `install` script. A failed build is not fatal: the server falls
// back to ripgrep and logs why (native/index.ts). Set SWARMCODE_REQUIRE_NATIVE=1 to make it fatal.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

const gyp = findNodeGyp();
let status = 1;
if (!gyp) {
  process.stderr.write('swarmcode: node-gyp not found; the native search index is not built (ripgrep fallback)\n');
} else {
  const jobs = process.env.JOBS ?? '2';
  const r = spawnSync(process.execPath, [gyp, 'rebuild', `--jobs=${jobs}`, ...nodedirArgs()], {
    cwd: here,
    stdio: 'inherit',
  });
  status = r.status ?? 1;
  if (status !== 0) process.stderr.write('swarmcode: native search index build failed (ripgrep fallback)\n');
}
process.exit(status !== 0 && process.env.SWARMCODE_REQUIRE_NATIVE === '1' ? status : 0);
