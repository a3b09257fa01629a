// swarm/changes: the files a run changed, checkpoint text against current text (for a diff view).
import type { Handler } from '../context';
import { ChangesRequest } from '../protocol';
import { runChanges } from '../workspace';
import { changesParams, checked } from './params';

export const changesHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(ChangesRequest, (raw) => {
      const params = checked(ChangesRequest.method, changesParams, raw);
      return runChanges(ctx.workspace.root, ctx.workspace.documents, params.runId, params.withContent ?? true);
    });
  },
};
