// swarm/accept: keep a run's changes to some (or all) files; their checkpoints are dropped.
import type { Handler } from '../context';
import { AcceptRequest } from '../protocol';
import { acceptChanges } from '../workspace';
import { checked, reviewParams } from './params';

export const acceptHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(AcceptRequest, (raw) => {
      const params = checked(AcceptRequest.method, reviewParams, raw);
      return acceptChanges(ctx.workspace.root, params.runId, params.paths, params.hunks, ctx.workspace.documents);
    });
  },
};
