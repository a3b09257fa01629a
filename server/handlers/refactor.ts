// swarm/refactor: a swarm-driven refactor. The server finds the sites (ripgrep over the scope),
// shards them per file or per module, and starts a normal run (same journal, events, cancel and
// review as swarm/run) whose orchestrator fans the shards out with spawn_swarm. When it is done
// (every shard merged back), the server runs the project's tests on the merged result, traces
// each failure to the shard responsible and gives that shard a fix sub-agent, for a bounded
// number of rounds (refactor-converge.ts). Review the result with swarm/changes.
import type { Handler } from '../context';
import { RefactorRequest, type RefactorResult, type RefactorShard } from '../protocol';
import { executeRun } from '../runs';
import { approverFor } from '../approval';
import { runChanges } from '../workspace';
import { findSites, makeShards, refactorTask } from './refactor-plan';
import { detectTestCommand } from './refactor-tests';
import { convergence, readBaseline } from './refactor-converge';
import { tokenSignal } from './abortable';
import { checked, refactorParams } from './params';
import { rgTargets } from '../index/rg';

export const refactorHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(RefactorRequest, async (raw, token): Promise<RefactorResult> => {
      const params = checked(RefactorRequest.method, refactorParams, raw);
      const { signal, dispose } = tokenSignal(token);
      const root = ctx.workspace.root;
      try {
        const sites = await findSites(root, params.scope, signal, rgTargets(ctx.workspace, '.'));
        const shards: RefactorShard[] = makeShards(sites, params.maxShards ?? 16);
        const detected = params.testCommand === '' ? undefined : (params.testCommand ?? (await detectTestCommand(root)));
        // The tests run contained when a sandbox exists; the user's command policy decides once, up front.
        const testCommand = detected && (await approverFor(ctx, params.runId, 'main')(detected, root, signal, { sandboxed: ctx.sandbox.available })).approved ? detected : undefined;
        ctx.log.info(`refactor ${params.runId}: ${sites.size} file(s) in scope, ${shards.length} shard(s), tests: ${testCommand ?? (detected ? `${detected} (declined)` : 'none')}`);
        const rounds = testCommand ? convergence({ ctx, instruction: params.instruction, command: testCommand, shards, baseline: await readBaseline(root, shards), fixRounds: params.fixRounds ?? 2 }) : undefined;
        const run = await executeRun(ctx, { runId: params.runId, task: refactorTask(params, shards, testCommand), thinking: params.thinking, worktrees: params.worktrees }, signal, rounds?.extension);
        const changes = await runChanges(root, ctx.workspace.documents, params.runId, false).catch(() => undefined);
        const tests = rounds?.result.tests;
        return {
          ...run,
          shards,
          ...(tests ? { tests } : {}),
          ...(rounds?.result.rounds.length ? { rounds: rounds.result.rounds } : {}),
          changedFiles: changes?.files.filter((f) => f.change !== 'unchanged').map((f) => f.path) ?? [],
        };
      } finally {
        dispose();
      }
    });
  },
};
