// swarm/checkpoints: this workspace's run journals; `interrupted` ones (the server died mid-run) are
// what the client offers to restore after a restart.
import type { Handler } from '../context';
import { CheckpointsRequest } from '../protocol';
import { listCheckpoints } from '../workspace';

export const checkpointsHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(CheckpointsRequest, () => listCheckpoints(ctx.workspace.root));
  },
};
