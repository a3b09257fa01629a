// swarm/changes: the files a run changed, checkpoint text against current text (for a diff view).
import type { Handler } from '../context';
import { ChangesRequest } from '../protocol';
import { runChanges } from '../workspace';

export const changesHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(ChangesRequest, (params) => runChanges(ctx.workspace.root, ctx.workspace.documents, params.runId, params.withContent ?? true));
  },
};
