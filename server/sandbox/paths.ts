// What the sandbox hides and protects, as paths.
import * as os from 'node:os';
import * as path from 'node:path';

/** Credential files and folders under the home directory; hidden from every sandboxed process. */
export const HOME_SECRETS = [
  '.ssh',
  '.aws',
  '.azure',
  '.config',
  '.gnupg',
  '.docker',
  '.kube',
  '.npmrc',
  '.yarnrc',
  '.netrc',
  '.git-credentials',
  '.pypirc',
  '.pgpass',
  '.gem/credentials',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.terraform.d',
  '.vault-token',
  '.password-store',
  '.local/share/keyrings',
  '.local/state/swarmcode',
  '.bash_history',
  '.zsh_history',
  '.python_history',
  '.node_repl_history',
];

/** Sockets and runtime folders outside home that hand out the user's authority. */
export const SYSTEM_SECRETS = ['/run/user', '/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock'];

/** Absolute paths the sandbox hides for `home` (plus `extra`, e.g. the checkpoint journal folder). */
export function secretPaths(home: string = os.homedir(), extra: string[] = []): string[] {
  return [...HOME_SECRETS.map((p) => path.join(home, p)), ...SYSTEM_SECRETS, ...extra];
}

/**
 * Workspace files that make tools run code outside the sandbox: the editor (tasks, settings with
 * interpreter paths), npm/yarn/pnpm config read by every package-manager call, direnv, git hook
 * managers. Writing them through the edit tools needs approval. (`.git/` is refused outright.)
 */
const EXEC_CONFIG = [
  /^\.vscode\/(tasks|settings|launch)\.json$/,
  /^\.vscode\/.*\.code-workspace$/,
  /^[^/]*\.code-workspace$/,
  /(^|\/)\.npmrc$/,
  /(^|\/)\.yarnrc(\.yml)?$/,
  /(^|\/)\.pnpmfile\.c?js$/,
  /^\.envrc$/,
  /^\.husky\//,
  /^\.githooks\//,
  /^\.pre-commit-config\.ya?ml$/,
  /^\.gitattributes$/,
  /^\.gitmodules$/,
  /^\.devcontainer\//,
];

/** True for a workspace-relative path (forward slashes) that is a code-running config file. */
export function isExecConfig(rel: string): boolean {
  const p = rel.split(path.sep).join('/');
  return EXEC_CONFIG.some((re) => re.test(p));
}

/** True when a workspace-relative path lies in a `.git` folder (any depth, any case). */
export function isInGitDir(rel: string): boolean {
  return rel.split(/[\\/]/).some((seg) => seg.toLowerCase() === '.git');
}
