// swarm/cancel: the stop button / SIGINT for a run by id, or the cancel action on one sub-agent.
import type { Handler } from '../context';
import { CancelRequest } from '../protocol';
import { cancelRun } from '../runs';
import { cancelVisual } from './visual';

export const cancelHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(CancelRequest, ({ runId, agentId }) => ({ cancelled: cancelRun(runId, agentId) || (!agentId && cancelVisual(runId)) }));
  },
};
