// Worktrees kept for the user (something in them was not merged back), per workspace, for review:
// swarm/changes lists a run's kept worktrees, swarm/removeWorktree deletes one. In memory: a
// server restart forgets the list (the folders stay under the system temp folder).
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import type { KeptWorktree } from '../protocol';

const byRoot = new Map<string, KeptWorktree[]>();

export function keepWorktree(root: string, kept: KeptWorktree): void {
  const list = byRoot.get(root) ?? [];
  const i = list.findIndex((k) => k.path === kept.path);
  if (i >= 0) list[i] = kept;
  else list.push(kept);
  byRoot.set(root, list);
}

export function keptWorktrees(root: string, runId?: string): KeptWorktree[] {
  return (byRoot.get(root) ?? []).filter((k) => runId === undefined || k.runId === runId);
}

/** Deletes a kept worktree listed for this workspace; false when none is listed at that path. */
export async function removeKeptWorktree(root: string, path: string): Promise<boolean> {
  const list = byRoot.get(root) ?? [];
  const k = list.find((x) => x.path === path);
  if (!k) return false;
  // Only ever a folder this server made under the temp folder.
  const rel = relative(tmpdir(), k.path);
  if (rel.startsWith('..') || isAbsolute(rel) || !/^swarmcode-worktrees-/.test(rel)) return false;
  await rm(k.path, { recursive: true, force: true });
  list.splice(list.indexOf(k), 1);
  return true;
}
