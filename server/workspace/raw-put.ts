// Raw writes for a merge-back from a sub-agent's worktree: bytes as they are (binary or not UTF-8),
// a symbolic link, or a permission change. Journaled before the write like every edit (rollback
// restores bytes and mode, and removes what was created), under the path's edit lock.
// A link is refused when its target leaves the workspace (absolute, or `..` past the root, or
// through a link that does); an existing link in the workspace is never replaced or followed.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ToolError } from './tool-error';
import type { EditScope } from './edit-engine';
import type { KeyedMutex } from './mutex';
import { isInside, type ResolvedPath } from './sandbox';
import { readInside, writeInside } from './safe-fs';
import { rootFor } from './roots';

export type RawContent = { kind: 'file'; bytes: Buffer; mode?: number } | { kind: 'link'; target: string } | { kind: 'mode'; mode: number };

export interface RawDeps {
  root: string;
  rootOf?(abs: string): string | undefined;
  locks: KeyedMutex;
  resolve(p: string): Promise<ResolvedPath>;
  relative(abs: string): string;
}

/** Where a link at `abs` pointing to `target` leads, or a reason it is refused. */
export async function linkEscapes(root: string, abs: string, target: string): Promise<string | undefined> {
  if (path.isAbsolute(target)) return `its target ${target} is an absolute path`;
  const lexical = path.resolve(path.dirname(abs), target);
  if (!isInside(root, lexical)) return `its target ${target} is outside the workspace`;
  const real = await fs.realpath(lexical).catch(() => undefined);
  if (real && !isInside(root, real)) return `its target ${target} leads outside the workspace through another link`;
  return undefined;
}

export async function putRaw(deps: RawDeps, scope: EditScope, p: string, raw: RawContent): Promise<void> {
  const parent = await deps.resolve(path.posix.dirname(p.replace(/\\/g, '/')));
  const abs = path.join(parent.real, path.basename(p));
  const shown = deps.relative(abs);
  await deps.locks.run(abs, async () => {
    const st = await fs.lstat(abs).catch(() => undefined);
    if (st?.isSymbolicLink()) throw new ToolError(`${shown} is a symbolic link in the workspace; it is not replaced.`);
    if (st && !st.isFile()) throw new ToolError(`${shown} is not a regular file in the workspace.`);
    if (raw.kind === 'link') {
      const why = await linkEscapes(rootFor(deps, abs), abs, raw.target);
      if (why) throw new ToolError(`Refused symbolic link ${shown}: ${why}.`);
    }
    if (raw.kind === 'mode' && !st) throw new ToolError(`${shown} does not exist in the workspace.`);
    await scope.journal?.before(abs, shown);
    if (raw.kind === 'mode') {
      const now = await readInside(rootFor(deps, abs), abs, shown);
      if (!now) throw new ToolError(`${shown} does not exist in the workspace.`);
      await writeInside(rootFor(deps, abs), abs, shown, now.bytes, { mode: raw.mode & 0o7777 });
      await scope.journal?.after(abs, now.bytes);
      return;
    }
    if (raw.kind === 'file') {
      await writeInside(rootFor(deps, abs), abs, shown, raw.bytes, raw.mode === undefined ? {} : { mode: raw.mode & 0o7777 });
      await scope.journal?.after(abs, raw.bytes);
      return;
    }
    await fs.mkdir(path.dirname(abs), { recursive: true });
    const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.swarmcode-${randomBytes(4).toString('hex')}.link`);
    await fs.symlink(raw.target, tmp);
    await fs.rename(tmp, abs).catch(async (err) => {
      await fs.rm(tmp, { force: true });
      throw err;
    });
    await scope.journal?.noteLink(abs, raw.target);
  });
}
