// swarm/cancel: the stop button / SIGINT for a run by id.
import type { Handler } from '../context';
import { CancelRequest } from '../protocol';
import { cancelRun } from '../runs';

export const cancelHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(CancelRequest, ({ runId }) => ({ cancelled: cancelRun(runId) }));
  },
};
