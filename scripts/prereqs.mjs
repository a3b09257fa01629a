// The system packages `npm test` and the CLI need, checked before anything runs. Each test tier
// names what it needs; a tier whose needs are missing is skipped (the others still run) and one
// `apt-get install` line lists every missing package. The same list is in README.md and .ci/run.
//
//   node scripts/prereqs.mjs            prints what is missing (exit 1 if anything is)
//   node scripts/prereqs.mjs --apt      prints the Debian package names, one line (for .ci/run)
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * What is checked, the Debian/Ubuntu package that provides it, and the tiers that need it.
 * `tiers: []` marks something optional (reported, never a reason to skip).
 */
export const PREREQS = [
  { what: 'git', apt: 'git', tiers: ['unit', 'protocol', 'security', 'browser', 'e2e', 'package', 'setup'], probe: { command: 'git' } },
  { what: 'bubblewrap (bwrap, the command sandbox)', apt: 'bubblewrap', tiers: ['protocol', 'security', 'e2e'], probe: { command: 'bwrap' } },
  {
    what: 'Chromium',
    apt: 'chromium',
    tiers: ['browser', 'e2e'],
    probe: { anyCommand: ['chromium', 'chromium-browser'], env: 'CHROME_PATH' },
  },
  // node-gyp: the native search index (npm install) and code-server's native modules (e2e).
  { what: 'python3', apt: 'python3', tiers: ['e2e'], probe: { command: 'python3' } },
  { what: 'make', apt: 'make', tiers: ['e2e'], probe: { command: 'make' } },
  { what: 'a C++ compiler (g++)', apt: 'g++', tiers: ['e2e'], probe: { anyCommand: ['g++', 'c++', 'clang++'] } },
  { what: 'pkg-config', apt: 'pkg-config', tiers: ['e2e'], probe: { command: 'pkg-config' } },
  // code-server's `kerberos` module compiles against the GSSAPI headers.
  { what: 'Kerberos headers (gssapi.h)', apt: 'libkrb5-dev', tiers: ['e2e'], probe: { anyFile: ['/usr/include/gssapi/gssapi.h', '/usr/include/gssapi.h'] } },
  // Optional: the visual loop renders about a third faster with the headless shell.
  { what: 'chromium-headless-shell (faster renders)', apt: 'chromium-headless-shell', tiers: [], probe: { anyCommand: ['chromium-headless-shell'] } },
];

export const MIN_NODE = [20, 19];

/** Probes the real machine; tests pass their own. */
export function systemProbe(env = process.env) {
  const exists = (p) => {
    try {
      accessSync(p, constants.F_OK);
      return true;
    } catch {
      return false;
    }
  };
  const onPath = (cmd) =>
    (env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .some((dir) => {
        try {
          accessSync(join(dir, cmd), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      });
  return { exists, onPath, env, nodeVersion: process.versions.node, isRoot: process.getuid?.() === 0 };
}

function present(p, probe) {
  if (p.env && probe.env[p.env] && probe.exists(probe.env[p.env])) return true;
  if (p.command) return probe.onPath(p.command);
  if (p.anyCommand) return p.anyCommand.some((c) => probe.onPath(c));
  return p.anyFile.some((f) => probe.exists(f));
}

/**
 * Checks everything. Returns the missing entries, the tiers that cannot run (with why), and the
 * one install line (undefined when nothing required or optional is missing).
 */
export function checkPrereqs(probe = systemProbe()) {
  const missing = PREREQS.filter((p) => !present(p.probe, probe));
  const blocked = new Map();
  for (const m of missing) for (const t of m.tiers) blocked.set(t, [...(blocked.get(t) ?? []), m.apt]);
  const [maj, min] = probe.nodeVersion.split('.').map(Number);
  const nodeOk = maj > MIN_NODE[0] || (maj === MIN_NODE[0] && min >= MIN_NODE[1]);
  const apt = missing.map((m) => m.apt);
  const installLine = apt.length ? `${probe.isRoot ? '' : 'sudo '}apt-get install -y ${apt.join(' ')}` : undefined;
  return { missing, blocked, nodeOk, installLine };
}

/** The human-readable report: what is missing, which tiers it stops, the one install line. */
export function describe(result, nodeVersion = process.versions.node) {
  const lines = [];
  if (!result.nodeOk) lines.push(`Node ${nodeVersion} is too old: SwarmCode needs Node >= ${MIN_NODE.join('.')}.`);
  for (const m of result.missing) {
    const stops = m.tiers.length ? `needed by the ${m.tiers.join(', ')} tier${m.tiers.length > 1 ? 's' : ''}` : 'optional';
    lines.push(`missing: ${m.what} (${stops})`);
  }
  if (result.installLine) lines.push('Install everything missing with:', `  ${result.installLine}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (process.argv.includes('--apt')) {
    process.stdout.write(`${PREREQS.map((p) => p.apt).join(' ')}\n`);
  } else {
    const r = checkPrereqs();
    const text = describe(r);
    process.stdout.write(text ? `${text}\n` : 'all system packages present\n');
    process.exit(r.nodeOk && !r.missing.some((m) => m.tiers.length) ? 0 : 1);
  }
}
