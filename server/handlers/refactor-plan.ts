// swarm/refactor, part 1: find the sites (ripgrep), group them into per-file or per-module shards,
// and write the orchestrator's task that fans the shards out to parallel sub-agents.
import * as path from 'node:path';
import type { RefactorParams } from '../protocol';
import { runRipgrep, RG_COMMON, rgRelative } from '../index/rg';

export interface Shard {
  id: string;
  files: string[];
  sites: number;
}

export const MAX_FILES_SCANNED = 5000;

/** Files in scope with their number of matching lines (1 per file for a glob-only scope). */
export async function findSites(root: string, scope: RefactorParams['scope'], signal: AbortSignal, tops: readonly string[] = ['.']): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const globArgs = scope?.glob ? ['--glob', scope.glob] : [];
  if (scope?.pattern) {
    const args = [...RG_COMMON, '--count', ...globArgs, ...(scope.regex ? [] : ['--fixed-strings']), '--', scope.pattern, ...tops];
    await runRipgrep(args, root, signal, (line) => {
      const i = line.lastIndexOf(':');
      if (i > 0) out.set(rgRelative(line.slice(0, i)), Number(line.slice(i + 1)));
      return out.size < MAX_FILES_SCANNED;
    });
  } else if (scope?.glob) {
    await runRipgrep([...RG_COMMON, '--files', ...globArgs, ...tops], root, signal, (line) => {
      if (line) out.set(rgRelative(line), 1);
      return out.size < MAX_FILES_SCANNED;
    });
  }
  return out;
}

/**
 * One shard per file when they fit in `maxShards`; otherwise files grouped by folder (module) and
 * the folders packed into `maxShards` shards, heaviest first onto the lightest shard.
 */
export function makeShards(sites: Map<string, number>, maxShards: number): Shard[] {
  const files = [...sites.keys()].sort();
  const cap = Math.max(1, maxShards);
  if (files.length <= cap) return files.map((f, i) => ({ id: `shard-${i + 1}`, files: [f], sites: sites.get(f)! }));
  const modules = new Map<string, string[]>();
  for (const f of files) {
    const m = path.posix.dirname(f);
    modules.set(m, [...(modules.get(m) ?? []), f]);
  }
  const weight = (fs: string[]) => fs.reduce((s, f) => s + (sites.get(f) ?? 1), 0);
  const bins: Shard[] = Array.from({ length: Math.min(cap, modules.size) }, (_, i) => ({ id: `shard-${i + 1}`, files: [], sites: 0 }));
  for (const group of [...modules.values()].sort((a, b) => weight(b) - weight(a))) {
    const bin = bins.reduce((a, b) => (b.sites < a.sites ? b : a));
    bin.files.push(...group);
    bin.sites += weight(group);
  }
  for (const b of bins) b.files.sort();
  return bins.filter((b) => b.files.length);
}

/** The orchestrator's task: the instruction, the shards, and the test loop. */
export function refactorTask(p: RefactorParams, shards: Shard[], testCommand: string | undefined): string {
  const items = shards.map((s) => `${s.id}: ${s.files.join(', ')}`);
  const scope = p.scope ? `Scope: ${[p.scope.glob && `glob ${p.scope.glob}`, p.scope.pattern && `${p.scope.regex ? 'regex' : 'text'} ${JSON.stringify(p.scope.pattern)}`].filter(Boolean).join(', ')}.` : '';
  return [
    `Refactor across the workspace: ${p.instruction}`,
    scope,
    shards.length
      ? `The sites were found for you and split into ${shards.length} shard(s); each shard's files belong to that shard only:\n${items.map((i) => `- ${i}`).join('\n')}`
      : 'No sites were pre-computed: find them yourself with grep and find_symbol first.',
    shards.length
      ? `Call spawn_swarm once with one item per shard (the item text is the shard line above) and a prompt_template telling the sub-agent to apply the refactor to exactly its shard's files: read each file, edit it with edit_file, touch no other file, and report what it changed.`
      : '',
    p.worktrees
      ? 'Each sub-agent works in its own git worktree (a copy of the workspace), merged back when it finishes. Resolve any merge conflicts the results report.'
      : '',
    testCommand
      ? `Do not run the tests yourself and do not have the shards run them: one shard's change alone cannot pass a change that spans files. When you finish, the server runs \`${testCommand}\` on the merged result and gives each failure to the shard responsible.`
      : 'No test command is known for this project; check your edits by reading the changed files.',
    'Finish with a short summary per shard.',
  ]
    .filter(Boolean)
    .join('\n\n');
}
