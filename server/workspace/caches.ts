// Build and test caches a sub-agent's commands leave behind (Python bytecode, test runner and
// linter caches, ...): never part of a snapshot, never merged back, never a reason to keep a
// worktree, whether or not the project's .gitignore names them. One list for git and for code.
const CACHE_DIRS = ['__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.nyc_output', '.gradle', '.hypothesis'];
const CACHE_NESTED = ['node_modules/.cache', '.next/cache'];
const CACHE_FILES = ['.coverage', '.eslintcache', '.DS_Store'];
const CACHE_SUFFIXES = ['.pyc', '.pyo', '.tsbuildinfo'];

/** gitignore / pathspec-glob patterns for the caches. */
export const CACHE_EXCLUDES: string[] = [
  ...CACHE_DIRS.map((d) => `**/${d}/**`),
  ...CACHE_NESTED.map((d) => `**/${d}/**`),
  ...CACHE_FILES.map((f) => `**/${f}`),
  ...CACHE_SUFFIXES.map((s) => `**/*${s}`),
];

/** Whether a workspace-relative path (forward slashes) is inside a cache. */
export function isCachePath(rel: string): boolean {
  const parts = rel.split('/');
  const name = parts[parts.length - 1];
  if (parts.slice(0, -1).some((p) => CACHE_DIRS.includes(p))) return true;
  if (CACHE_NESTED.some((n) => `/${rel}`.includes(`/${n}/`))) return true;
  return CACHE_FILES.includes(name) || CACHE_SUFFIXES.some((s) => name.endsWith(s));
}
