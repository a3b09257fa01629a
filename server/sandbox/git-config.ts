// git configuration that switches off everything a repository's own config could make git run:
// fsmonitor, hooks, pagers, external diff, and the clean/smudge/process filters it defines.
// Used by the git tool (as `-c`) and by the worktree machinery (as GIT_CONFIG_* variables, which
// git ≥ 2.31 reads with command-line precedence). Reference: git-config(1) ENVIRONMENT.

export const SAFE_GIT_CONFIG: [string, string][] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['diff.external', ''],
  ['core.untrackedCache', 'false'],
  ['status.submoduleSummary', 'false'],
];

/** Filter driver names in `git config --get-regexp '^filter\.'` output. */
export function filterNames(listing: string): string[] {
  const names = new Set<string>();
  for (const line of listing.split('\n')) {
    const m = /^filter\.(.+)\.(clean|smudge|process|required)(\s|$)/.exec(line);
    if (m) names.add(m[1]);
  }
  return [...names];
}

/** Empties each named filter driver (git then copies content through unchanged). */
export function filterOverrides(names: string[]): [string, string][] {
  return names.flatMap((n): [string, string][] => [
    [`filter.${n}.clean`, ''],
    [`filter.${n}.smudge`, ''],
    [`filter.${n}.process`, ''],
    [`filter.${n}.required`, 'false'],
  ]);
}

export function configArgs(pairs: [string, string][]): string[] {
  return pairs.flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

export function configEnv(pairs: [string, string][]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}
