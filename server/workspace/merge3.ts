// Three-way revert of one change: take `current` (the run's version plus whatever changed since)
// and undo only the run's change (original → runVersion), keeping the later changes. Behind this
// one function so a shared region-aware merge can replace it; today it is `git merge-file` on
// temp files in a private folder (git-merge-file(1): "incorporates all changes that lead from
// <base-file> to <other-file> into <current-file>"; exit status = number of conflicts, negative
// on error). Adjacent or overlapping changes count as a conflict: nothing is guessed.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { looksBinary } from './files';

export type RevertResult = { ok: true; bytes: Buffer } | { ok: false; reason: string };

const MAX_OUTPUT = 64 * 1024 * 1024;

export async function revertChange(current: Buffer, runVersion: Buffer, original: Buffer, signal?: AbortSignal): Promise<RevertResult> {
  if ([current, runVersion, original].some((b) => looksBinary(b))) {
    return { ok: false, reason: 'it is binary (or UTF-16), so the run\'s change cannot be separated from the later one' };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'swarmcode-revert-'));
  try {
    const [cur, base, other] = ['current', 'run', 'original'].map((n) => path.join(dir, n));
    await fs.writeFile(cur, current, { mode: 0o600 });
    await fs.writeFile(base, runVersion, { mode: 0o600 });
    await fs.writeFile(other, original, { mode: 0o600 });
    const { code, stdout, error } = await new Promise<{ code: number; stdout: Buffer; error?: Error }>((resolve) => {
      execFile('git', ['merge-file', '-p', '--quiet', cur, base, other], { encoding: 'buffer', maxBuffer: MAX_OUTPUT, signal, windowsHide: true }, (err, out) => {
        const c = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
        resolve({ code: c, stdout: out as Buffer, error: err && c < 0 ? err : undefined });
      });
    });
    if (code === 0) return { ok: true, bytes: stdout };
    if (code > 0 && code < 128) return { ok: false, reason: `the later changes overlap the run's change (${code} conflicting region${code === 1 ? '' : 's'})` };
    return { ok: false, reason: `a three-way revert could not run (git merge-file: ${error?.message ?? `exit ${code}`})` };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
