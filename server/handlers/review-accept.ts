// swarm/accept: keep a run's changes to some (or all) files; their checkpoints are dropped.
import type { Handler } from '../context';
import { AcceptRequest } from '../protocol';
import { acceptChanges } from '../workspace';

export const acceptHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(AcceptRequest, (params) => acceptChanges(ctx.workspace.root, params.runId, params.paths));
  },
};
