// Which OS sandbox this machine has, found once per executable: bubblewrap on Linux (probed by
// running `true` in a namespace, since bwrap can be installed yet blocked, e.g. in containers
// without user namespaces), sandbox-exec on macOS.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type SandboxKind = 'bwrap' | 'sandbox-exec';

export type Availability = { kind: SandboxKind; path: string } | { kind: undefined; reason: string };

const cache = new Map<string, Availability>();

function onPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function probe(file: string, args: string[]): string | undefined {
  const r = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000, encoding: 'utf8' });
  if (r.error) return r.error.message;
  if (r.status !== 0) return (r.stderr || `exit code ${r.status}`).trim().split('\n')[0];
  return undefined;
}

/**
 * @param bwrapPath bubblewrap executable (default: `bwrap` on PATH)
 */
export function detectSandbox(platform: NodeJS.Platform = process.platform, bwrapPath?: string): Availability {
  const key = `${platform}:${bwrapPath ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let result: Availability;
  if (platform === 'linux') {
    const bwrap = bwrapPath ?? onPath('bwrap');
    if (!bwrap) result = { kind: undefined, reason: 'bubblewrap (bwrap) is not installed; install the `bubblewrap` package' };
    else {
      const why = probe(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--unshare-net', '--die-with-parent', 'true']);
      result = why ? { kind: undefined, reason: `bubblewrap cannot create a sandbox here (${why})` } : { kind: 'bwrap', path: bwrap };
    }
  } else if (platform === 'darwin') {
    const exe = '/usr/bin/sandbox-exec';
    const why = fs.existsSync(exe) ? probe(exe, ['-p', '(version 1)(allow default)', '/usr/bin/true']) : 'sandbox-exec not found';
    result = why ? { kind: undefined, reason: `sandbox-exec is not usable (${why})` } : { kind: 'sandbox-exec', path: exe };
  } else {
    result = { kind: undefined, reason: `no OS sandbox is supported on ${platform}` };
  }
  cache.set(key, result);
  return result;
}
