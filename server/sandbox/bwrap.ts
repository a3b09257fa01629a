// Linux: the bubblewrap command line around a process (https://github.com/containers/bubblewrap).
// The whole file system read-only, the writable roots bound read-write (with their `.git`
// read-only again), secrets covered, a private /tmp, /proc of a fresh PID namespace (so
// /proc/<pid>/environ shows only the sandbox's own processes), no network unless allowed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxPolicy } from './policy';

function kind(p: string): 'dir' | 'file' | 'other' | undefined {
  try {
    const st = fs.lstatSync(p);
    return st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'other' : 'file';
  } catch {
    return undefined;
  }
}

/** Arguments for `bwrap` (everything before the command). */
export function bwrapArgs(policy: SandboxPolicy): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent');
  if (!policy.network) args.push('--unshare-net');
  const hide = (p: string) => {
    const k = kind(p);
    if (k === 'dir') args.push('--tmpfs', p);
    else if (k === 'file' || k === 'other') args.push('--ro-bind', '/dev/null', p);
  };
  // Later mounts cover earlier ones: a secret that contains a root (a workspace under ~/.config)
  // is hidden before the root is bound; one inside a root (the workspace is $HOME) after.
  const roots = [...policy.writable, ...(policy.readOnly ?? [])];
  const insideRoot = (p: string) => roots.some((r) => p !== r && p.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  for (const p of policy.hidden) if (!insideRoot(p)) hide(p);
  for (const root of policy.writable) {
    args.push('--bind', root, root);
    for (const git of [path.join(root, '.git')]) {
      const k = kind(git);
      if (k === 'dir' || k === 'file') args.push('--ro-bind', git, git);
    }
  }
  for (const p of policy.readOnly ?? []) if (kind(p)) args.push('--ro-bind', p, p);
  for (const p of policy.hidden) if (insideRoot(p)) hide(p);
  args.push('--chdir', policy.cwd);
  return args;
}
