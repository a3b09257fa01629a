// swarm/refactor: which shard each failing test points at. For every failing test (from the
// runner's output, refactor-failures.ts), in order:
// 1. `named`: the innermost stack frame of the failure in a shard's files (where it broke), else
//    the shard files its error/stack/traceback names;
// 2. `imports`: the test file imports (directly or through other workspace files) the files of
//    exactly one shard, or the test file is itself a shard's file;
// 3. `symbols`: it imports several shards' files, and the names only some of them changed
//    (functions, variables) occur in the test or its failure;
// 4. still several: ambiguous — the caller bisects the shards' changes (refactor-bisect.ts).
// Output the parsers do not understand falls back to the whole-output rules of refactor-blame.ts.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Shard } from './refactor-plan';
import { importsOf, mentions, responsibleShards, type ShardSymbols } from './refactor-blame';
import { filesNamed, frameFiles, type FailingTest } from './refactor-failures';

export type BlameHow = 'named' | 'imports' | 'symbols' | 'bisect' | 'output';

export interface Attribution {
  /** Shard id → how it was blamed and for which test files. */
  blamed: Map<string, { how: BlameHow; tests: Set<string> }>;
  /** Tests that import several shards' changes alike: bisect among `candidates`. */
  ambiguous: { tests: FailingTest[]; candidates: Shard[] }[];
  /** Failing tests no shard's change reaches (they may have failed before the refactor). */
  unattributed: string[];
  failing: FailingTest[];
}

const MAX_IMPORT_DEPTH = 4;
const MAX_IMPORTED = 300;

/** Workspace files `test` reaches through relative imports, breadth first, bounded. */
async function reachable(root: string, test: string): Promise<string[]> {
  const seen = new Set<string>([test]);
  let frontier = [test];
  for (let depth = 0; depth < MAX_IMPORT_DEPTH && frontier.length && seen.size < MAX_IMPORTED; depth++) {
    const next: string[] = [];
    for (const f of frontier) {
      for (const g of await importsOf(root, f)) {
        if (!seen.has(g)) {
          seen.add(g);
          next.push(g);
        }
      }
    }
    frontier = next;
  }
  seen.delete(test);
  return [...seen];
}

export function blame(a: Attribution, shard: Shard, how: BlameHow, tests: string[]): void {
  const known = a.blamed.get(shard.id);
  if (known) tests.forEach((t) => known.tests.add(t));
  else a.blamed.set(shard.id, { how, tests: new Set(tests) });
}

/** `failing`: the failing tests read from `output` (failingTests), those to trace; undefined when the output named none. */
export async function attribute(failing: FailingTest[] | undefined, output: string, shards: Shard[], root: string, symbols: ShardSymbols): Promise<Attribution> {
  const byFile = new Map<string, Shard>();
  for (const s of shards) for (const f of s.files) byFile.set(f, s);
  const a: Attribution = { blamed: new Map(), ambiguous: [], unattributed: [], failing: failing ?? [] };
  if (!failing) {
    for (const s of await responsibleShards(output, shards, root, symbols)) blame(a, s, 'output', []);
    return a;
  }
  const groups = new Map<string, { tests: FailingTest[]; candidates: Shard[] }>();
  for (const t of failing) {
    const own = byFile.get(t.file);
    // Where it broke: the innermost stack frame in a shard's files; else every shard file the failure names.
    const frame = (await frameFiles(t.block, root)).map((f) => byFile.get(f)).find((s): s is Shard => !!s && s !== own);
    const named = frame ? [frame] : [...new Set((await filesNamed(t.block, root)).filter((f) => f !== t.file).map((f) => byFile.get(f)).filter((s): s is Shard => !!s))];
    if (named.length) {
      named.forEach((s) => blame(a, s, 'named', [t.file]));
      continue;
    }
    const imported = [...new Set([...(own ? [own] : []), ...(await reachable(root, t.file)).map((f) => byFile.get(f)).filter((s): s is Shard => !!s)])];
    if (imported.length === 0) {
      a.unattributed.push(t.file);
      continue;
    }
    if (imported.length === 1) {
      blame(a, imported[0], 'imports', [t.file]);
      continue;
    }
    const text = `${await fs.readFile(path.join(root, t.file), 'utf8').catch(() => '')}\n${t.block}`;
    const narrowed = imported.filter((s) => mentions(text, symbols.get(s.id)));
    if (narrowed.length === 1) {
      blame(a, narrowed[0], 'symbols', [t.file]);
      continue;
    }
    const candidates = narrowed.length ? narrowed : imported;
    const key = candidates.map((s) => s.id).join(' ');
    const g = groups.get(key) ?? { tests: [], candidates };
    g.tests.push(t);
    groups.set(key, g);
  }
  a.ambiguous = [...groups.values()];
  return a;
}
