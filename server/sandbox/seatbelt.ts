// macOS: a sandbox-exec (Seatbelt) profile with the same shape as the bubblewrap one: reads
// allowed except secrets, writes only under the writable roots (their `.git` excluded) and the
// temp folders, no network unless allowed. The profile language is Apple's SBPL
// (see Chromium's and Codex's published .sb profiles for the same operations).
import * as path from 'node:path';
import type { SandboxPolicy } from './policy';

function q(p: string): string {
  return JSON.stringify(p);
}

export function seatbeltProfile(policy: SandboxPolicy, tmp: string): string {
  const lines = ['(version 1)', '(allow default)'];
  if (!policy.network) lines.push('(deny network*)', '(allow network* (remote unix-socket (path-literal "/private/var/run/mDNSResponder")))');
  lines.push('(deny file-write*)');
  const writable = [...policy.writable, tmp, '/private/tmp', '/private/var/folders'].map((p) => `(subpath ${q(p)})`);
  lines.push(`(allow file-write* ${writable.join(' ')} (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty") (regex #"^/dev/fd/"))`);
  const protectedPaths = [...policy.writable.map((r) => path.join(r, '.git')), ...(policy.readOnly ?? [])];
  if (protectedPaths.length) lines.push(`(deny file-write* ${protectedPaths.map((p) => `(subpath ${q(p)})`).join(' ')})`);
  // Last, so no allow above can reopen them (later SBPL rules win).
  if (policy.hidden.length) lines.push(`(deny file-read* file-write* ${policy.hidden.map((p) => `(subpath ${q(p)})`).join(' ')})`);
  return lines.join('\n');
}
