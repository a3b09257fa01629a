// swarm/checkpoints: this workspace's run journals; `interrupted` ones (the server died mid-run) are
// what the client offers to restore after a restart.
import type { Handler } from '../context';
import { CheckpointsRequest } from '../protocol';
import { listCheckpoints } from '../workspace';
import { checked, noParams } from './params';

export const checkpointsHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(CheckpointsRequest, (raw) => {
      checked(CheckpointsRequest.method, noParams, raw);
      return listCheckpoints(ctx.workspace.root);
    });
  },
};
