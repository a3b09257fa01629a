// swarm/refactor: a swarm-driven refactor. The server finds the sites (ripgrep over the scope),
// shards them per file or per module, and starts a normal run (same journal, events, cancel and
// review as swarm/run) whose orchestrator fans the shards out with spawn_swarm, runs the tests and
// sends failures back to the responsible shard. Then the server runs the tests itself and reports
// which shards the remaining failures point at. Review the result with swarm/changes.
import type { Handler } from '../context';
import { RefactorRequest, type RefactorResult, type RefactorTests } from '../protocol';
import { executeRun } from '../runs';
import { approverFor } from '../approval';
import { execShell } from '../tools/process';
import { runChanges } from '../workspace';
import { findSites, makeShards, refactorTask } from './refactor-plan';
import { detectTestCommand } from './refactor-tests';
import { changedIdentifiers, responsibleShards, type ShardSymbols } from './refactor-blame';
import { checked, refactorParams } from './params';
import { rgTargets } from '../index/rg';

const TEST_TIMEOUT_MS = 10 * 60_000;

export const refactorHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(RefactorRequest, async (raw, token): Promise<RefactorResult> => {
      const params = checked(RefactorRequest.method, refactorParams, raw);
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort(new DOMException('cancelled by the client', 'AbortError')));
      const signal = controller.signal;
      const root = ctx.workspace.root;
      try {
        const sites = await findSites(root, params.scope, signal, rgTargets(ctx.workspace, '.'));
        const shards = makeShards(sites, params.maxShards ?? 16);
        const testCommand = params.testCommand === '' ? undefined : (params.testCommand ?? (await detectTestCommand(root)));
        ctx.log.info(`refactor ${params.runId}: ${sites.size} file(s) in scope, ${shards.length} shard(s), tests: ${testCommand ?? 'none'}`);
        const run = await executeRun(ctx, { runId: params.runId, task: refactorTask(params, shards, testCommand), thinking: params.thinking, worktrees: params.worktrees }, signal);
        let tests: RefactorTests | undefined;
        const sandboxed = ctx.sandbox.available;
        if (testCommand && run.status === 'done' && (await approverFor(ctx, params.runId, 'main')(testCommand, root, signal, { sandboxed })).approved) {
          // Multi-root: every root writable, the folder of links (cwd) visible.
          const box = ctx.workspace.folders ? { writable: [...(ctx.workspace.roots ?? [])], readOnly: [root] } : {};
          const via = sandboxed ? (argv: string[]) => ctx.sandbox.wrap(argv, root, box) : undefined;
          const r = await execShell(testCommand, { cwd: root, timeoutMs: TEST_TIMEOUT_MS, signal, keepChars: 4000, via, env: ctx.sandbox.childEnv(), shell: ctx.sandbox.shell });
          tests = { command: testCommand, passed: r.exitCode === 0 && !r.timedOut, exitCode: r.exitCode, output: r.output };
        }
        const changes = await runChanges(root, ctx.workspace.documents, params.runId, true).catch(() => undefined);
        if (tests && !tests.passed) {
          const symbols: ShardSymbols = new Map();
          for (const f of changes?.files ?? []) {
            const shard = shards.find((s) => s.files.includes(f.path));
            if (shard) symbols.set(shard.id, new Set([...(symbols.get(shard.id) ?? []), ...changedIdentifiers(f.original ?? '', f.current ?? '')]));
          }
          for (const s of await responsibleShards(tests.output, shards, root, symbols)) (s as { failing?: boolean }).failing = true;
        }
        return { ...run, shards, ...(tests ? { tests } : {}), changedFiles: changes?.files.filter((f) => f.change !== 'unchanged').map((f) => f.path) ?? [] };
      } finally {
        sub.dispose();
      }
    });
  },
};
