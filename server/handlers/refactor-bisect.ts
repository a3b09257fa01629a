// swarm/refactor: when a failing test reaches several shards' changes alike, find the shards
// whose change makes it fail by bisection. On a scratch copy of the workspace (the merged result;
// caches left out; `.git` and top-level dependency folders linked, so tests that read git see what
// they see in the workspace; the sandbox keeps both read-only), shards' files are put back to
// their state before the refactor, half of the candidates at a time: when reverting a half makes
// the failing tests pass, the culprit is in that half; when neither half alone does, each half
// holds one (searched with the other half reverted). Bounded by MAX_RUNS test runs.
// Multi-root: the workspace is a folder of links to the roots; the scratch copy holds a copy of
// each root under its name (never the links, which would put files back in the user's roots).
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ServerContext } from '../context';
import { isCachePath } from '../workspace/caches';
import type { Shard } from './refactor-plan';
import { failingTests } from './refactor-failures';
import { runTests } from './refactor-run-tests';

const MAX_RUNS = 12;
const LINKED = new Set(['.git', 'node_modules', '.venv', 'venv']);

/** Files' bytes before the refactor (null: the file did not exist). */
export type Baseline = Map<string, Buffer | null>;

export class Scratch {
  private readonly merged = new Map<string, Buffer | null>();
  runs = 0;
  private constructor(
    readonly dir: string,
    /** What the tests may read besides the copy (the workspace, the roots its links point at). */
    readonly sources: string[],
  ) {}

  /** `roots` (multi-root): the workspace `root` is a folder of links, one per root (`name` → `real`). */
  static async create(root: string, files: string[], roots?: { name: string; real: string }[]): Promise<Scratch> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'swarmcode-bisect-'));
    const s = new Scratch(dir, [root, ...(roots ?? []).map((r) => r.real)]);
    try {
      if (roots) {
        for (const r of roots) {
          await fs.mkdir(path.join(dir, r.name));
          await copyTree(r.real, path.join(dir, r.name));
        }
      } else await copyTree(root, dir);
      for (const f of files) s.merged.set(f, await fs.readFile(path.join(root, f)).catch(() => null));
    } catch (err) {
      await s.dispose();
      throw err;
    }
    return s;
  }

  /** Every shard file as merged, except the `reverted` shards' files as they were before. */
  async apply(shards: Shard[], reverted: Set<Shard>, baseline: Baseline): Promise<void> {
    for (const s of shards) {
      for (const f of s.files) {
        const bytes = reverted.has(s) ? baseline.get(f) : this.merged.get(f);
        if (bytes === undefined) continue;
        const abs = path.join(this.dir, f);
        if (bytes === null) await fs.rm(abs, { force: true });
        else {
          await fs.mkdir(path.dirname(abs), { recursive: true });
          await fs.writeFile(abs, bytes);
        }
      }
    }
  }

  dispose(): Promise<void> {
    return fs.rm(this.dir, { recursive: true, force: true });
  }

}

/** `from`'s entries into the folder `to`: caches left out, `.git` and dependency folders linked. */
async function copyTree(from: string, to: string): Promise<void> {
  for (const name of await fs.readdir(from)) {
    const src = path.join(from, name);
    if (LINKED.has(name)) await fs.symlink(src, path.join(to, name));
    else await fs.cp(src, path.join(to, name), { recursive: true, verbatimSymlinks: true, mode: fs.constants.COPYFILE_FICLONE, filter: (p) => !isCachePath(path.relative(from, p).split(path.sep).join('/')) });
  }
}

export interface BisectInput {
  ctx: ServerContext;
  command: string;
  scratch: Scratch;
  shards: Shard[];
  baseline: Baseline;
  signal: AbortSignal;
}

/** Whether `tests` pass with the `reverted` shards' files put back. */
async function passWith(inp: BisectInput, reverted: Set<Shard>, tests: string[]): Promise<boolean> {
  inp.scratch.runs++;
  await inp.scratch.apply(inp.shards, reverted, inp.baseline);
  const r = await runTests(inp.ctx, inp.command, inp.scratch.dir, inp.signal, inp.scratch.sources);
  if (r.passed) return true;
  if (r.timedOut) return false;
  const failing = new Set((await failingTests(r.output, inp.scratch.dir)).map((t) => t.file));
  return failing.size > 0 && tests.every((t) => !failing.has(t));
}

/** Those of `tests` that fail with every shard put back (they failed before the refactor). */
export async function failingBefore(inp: BisectInput, tests: string[]): Promise<string[]> {
  await inp.scratch.apply(inp.shards, new Set(inp.shards), inp.baseline);
  const r = await runTests(inp.ctx, inp.command, inp.scratch.dir, inp.signal, inp.scratch.sources);
  if (r.passed || r.timedOut) return [];
  const failing = new Set((await failingTests(r.output, inp.scratch.dir)).map((t) => t.file));
  return tests.filter((t) => failing.has(t));
}

/**
 * The candidates whose change makes `tests` fail; empty when reverting all of them does not make
 * the tests pass (the failure is not theirs alone) or the test budget ran out first.
 */
export async function bisect(inp: BisectInput, candidates: Shard[], tests: string[], baselinePasses = false): Promise<Shard[]> {
  // `baselinePasses`: the tests pass with every shard put back (failingBefore said so); no need to ask again.
  const all = candidates.length === inp.shards.length;
  if (!(all && baselinePasses) && !(await passWith(inp, new Set(candidates), tests))) return [];
  const search = async (cands: Shard[], also: Shard[]): Promise<Shard[]> => {
    if (cands.length === 1) return cands;
    if (inp.scratch.runs >= MAX_RUNS) return cands;
    const half = Math.ceil(cands.length / 2);
    const [a, b] = [cands.slice(0, half), cands.slice(half)];
    if (await passWith(inp, new Set([...a, ...also]), tests)) return search(a, also);
    if (inp.scratch.runs >= MAX_RUNS) return cands;
    if (await passWith(inp, new Set([...b, ...also]), tests)) return search(b, also);
    return [...(await search(a, [...also, ...b])), ...(await search(b, [...also, ...a]))];
  };
  return search(candidates, []);
}
