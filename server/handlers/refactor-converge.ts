// swarm/refactor, the server's test-and-fix rounds, run inside the refactor's run once its
// orchestrator is done (every shard merged): run the project's tests on the merged workspace;
// trace each failing test to the shard responsible (refactor-attribute.ts, bisecting where that
// is ambiguous: refactor-bisect.ts; a test that fails with every shard's change put back failed
// before the refactor and is left out); give each responsible shard a fix sub-agent with the failing
// output, whose edit tools may write only that shard's files; run the tests again; at most
// `fixRounds` rounds. Fix sub-agents are the run's own (events, journal, review, cancel).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ServerContext } from '../context';
import type { RefactorRound, RefactorShard, RefactorTests } from '../protocol';
import type { RunExtension } from '../runs';
import type { SubagentResult } from '../tools/types';
import type { Shard } from './refactor-plan';
import { changedIdentifiers, type ShardSymbols } from './refactor-blame';
import { attribute, blame, type Attribution } from './refactor-attribute';
import { bisect, failingBefore, Scratch, type Baseline, type BisectInput } from './refactor-bisect';
import { failingTests } from './refactor-failures';
import { runTests, shortened, type TestRun } from './refactor-run-tests';

export interface ConvergeSetup {
  ctx: ServerContext;
  instruction: string;
  command: string;
  shards: RefactorShard[];
  /** The shards' files before the refactor. */
  baseline: Baseline;
  fixRounds: number;
}

export interface Converged {
  tests?: RefactorTests;
  rounds: RefactorRound[];
}

/** The shards' files as they are before the run starts. */
export async function readBaseline(root: string, shards: Shard[]): Promise<Baseline> {
  const b: Baseline = new Map();
  for (const s of shards) for (const f of s.files) b.set(f, await fs.readFile(path.join(root, f)).catch(() => null));
  return b;
}

async function shardSymbols(root: string, shards: Shard[], baseline: Baseline): Promise<ShardSymbols> {
  const out: ShardSymbols = new Map();
  for (const s of shards) {
    const ids = new Set<string>();
    for (const f of s.files) {
      const now = await fs.readFile(path.join(root, f), 'utf8').catch(() => '');
      for (const id of changedIdentifiers(baseline.get(f)?.toString('utf8') ?? '', now)) ids.add(id);
    }
    out.set(s.id, ids);
  }
  return out;
}

const FIX_SYSTEM =
  'You fix one shard of a refactor that many agents did in parallel. Every shard is merged; the ' +
  "project's tests fail and the failure was traced to your shard. Change only your shard's files.";

function fixTask(setup: ConvergeSetup, shard: Shard, round: number, a: Attribution, run: TestRun): string {
  const tests = [...(a.blamed.get(shard.id)?.tests ?? [])];
  const blocks = a.failing.filter((t) => tests.includes(t.file)).map((t) => t.block);
  const output = blocks.length ? blocks.join('\n\n') : run.output;
  return [
    `Refactor: ${setup.instruction}`,
    `You own ${shard.id}: ${shard.files.join(', ')}. Fix round ${round}.`,
    `After all shards were merged, \`${setup.command}\` fails${tests.length ? ` in ${tests.join(', ')}` : ''}, and the failure points at your files (${a.blamed.get(shard.id)?.how}). The failing output:`,
    '```',
    shortened(output, 6000),
    '```',
    `Fix it by editing only ${shard.files.join(', ')} (the refactor's intent stands: do not undo it; edits to other files are refused). ` +
      `You may run \`${setup.command}\` with run_command to check. Answer with what you changed, or what another shard must change if the fault is not in your files.`,
  ].join('\n');
}

/** The run extension that drives the rounds; `result` holds what they found once the run ends. */
export function convergence(setup: ConvergeSetup): { extension: RunExtension; result: Converged } {
  const { ctx, command, shards } = setup;
  const root = ctx.workspace.root;
  const ws = ctx.workspace;
  // Multi-root: the scratch copy for bisection copies each root (root is a folder of links).
  const roots = ws.folders && ws.roots ? ws.folders.map((name, i) => ({ name, real: ws.roots![i] })) : undefined;
  const result: Converged = { rounds: [] };
  const preexisting = new Set<string>();
  const extension: RunExtension = {
    async afterMain({ swarm, mainId, signal }) {
      for (let round = 0; ; round++) {
        const run = await runTests(ctx, command, root, signal);
        result.tests = { command, passed: run.passed, exitCode: run.exitCode, output: shortened(run.output) };
        const record: RefactorRound = { round, passed: run.passed, exitCode: run.exitCode, failingTests: [], blamed: [], unattributed: [] };
        result.rounds.push(record);
        for (const s of shards) s.failing = undefined;
        if (run.passed) break;
        const parsed = await failingTests(run.output, root);
        let scratch: Scratch | undefined;
        let a: Attribution;
        try {
          // Round 0: a failing test that fails with every shard's change put back is not the refactor's.
          if (round === 0 && parsed.length) {
            scratch = await Scratch.create(root, shards.flatMap((s) => s.files), roots);
            for (const t of await failingBefore(bisectInput(setup, scratch, signal), parsed.map((t) => t.file))) preexisting.add(t);
          }
          const own = parsed.filter((t) => !preexisting.has(t.file));
          a = await attribute(parsed.length ? own : undefined, run.output, shards, root, await shardSymbols(root, shards, setup.baseline));
          if (a.ambiguous.length) {
            scratch ??= await Scratch.create(root, shards.flatMap((s) => s.files), roots);
            record.bisectRuns = await bisectAmbiguous(setup, a, scratch, round === 0, signal);
          }
        } finally {
          await scratch?.dispose();
        }
        record.failingTests = parsed.map((t) => t.file);
        const before = parsed.filter((t) => preexisting.has(t.file)).map((t) => t.file);
        if (before.length) record.preexisting = before;
        record.unattributed = a.unattributed;
        record.blamed = [...a.blamed].map(([shard, b]) => ({ shard, how: b.how, tests: [...b.tests] }));
        const blamed = shards.filter((s) => a.blamed.has(s.id));
        for (const s of blamed) s.failing = true;
        ctx.log.info(`refactor: tests fail (round ${round}); blamed: ${record.blamed.map((b) => `${b.shard} (${b.how})`).join(', ') || 'none'}`);
        if (round >= setup.fixRounds || !blamed.length) break;
        const fixes = await Promise.all(
          blamed.map((s) => swarm.runSubagent(mainId, `fix-${s.id}`, FIX_SYSTEM, fixTask(setup, s, round + 1, a, run), signal, s.files).catch((err: Error): SubagentResult => {
            if (signal.aborted) throw err;
            return { agentId: `fix-${s.id}`, status: 'failed', text: '', error: err.message, steps: 0, changedFiles: [] };
          })),
        );
        fixes.forEach((f, i) => {
          const s = blamed[i];
          s.fixRounds = (s.fixRounds ?? 0) + 1;
          if (f.changedFiles.length) s.fixedFiles = [...new Set([...(s.fixedFiles ?? []), ...f.changedFiles])].sort();
        });
      }
      for (const s of shards) s.outcome = s.failing ? 'failing' : s.fixRounds ? 'fixed' : 'passed';
    },
  };
  return { extension, result };
}

function bisectInput(setup: ConvergeSetup, scratch: Scratch, signal: AbortSignal): BisectInput {
  return { ctx: setup.ctx, command: setup.command, scratch, shards: setup.shards, baseline: setup.baseline, signal };
}

/** Bisects each ambiguous group on the scratch copy; returns the test runs it took. */
async function bisectAmbiguous(setup: ConvergeSetup, a: Attribution, scratch: Scratch, baselineChecked: boolean, signal: AbortSignal): Promise<number> {
  for (const g of a.ambiguous) {
    const tests = g.tests.map((t) => t.file);
    const culprits = await bisect(bisectInput(setup, scratch, signal), g.candidates, tests, baselineChecked);
    // Not narrowed (reverting them all does not help, or the budget ran out): every candidate gets it.
    for (const s of culprits.length ? culprits : g.candidates) blame(a, s, culprits.length ? 'bisect' : 'imports', tests);
  }
  return scratch.runs;
}
