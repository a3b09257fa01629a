// swarm/changes: the files a run changed, checkpoint text against current text (for a diff view).
import type { Handler } from '../context';
import { ChangesRequest } from '../protocol';
import { runChanges } from '../workspace';
import { keptWorktrees } from '../swarm';
import { changesParams, checked } from './params';

export const changesHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(ChangesRequest, async (raw) => {
      const params = checked(ChangesRequest.method, changesParams, raw);
      const kept = keptWorktrees(ctx.workspace.root, params.runId);
      const result = await runChanges(ctx.workspace.root, ctx.workspace.documents, params.runId, params.withContent ?? true).catch((err) => {
        // A run whose changes were all decided may still have kept worktrees to list.
        if (kept.length && err instanceof Error && err.name === 'ReviewError') return { runId: params.runId, state: 'finished' as const, files: [] };
        throw err;
      });
      return kept.length ? { ...result, keptWorktrees: kept } : result;
    });
  },
};
