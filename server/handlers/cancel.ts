// swarm/cancel: the stop button / SIGINT for a run by id, or the cancel action on one sub-agent.
import type { Handler } from '../context';
import { CancelRequest } from '../protocol';
import { cancelRun } from '../runs';
import { cancelVisual } from './visual';
import { cancelParams, checked } from './params';

export const cancelHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(CancelRequest, (raw) => {
      const { runId, agentId } = checked(CancelRequest.method, cancelParams, raw);
      return { cancelled: cancelRun(runId, agentId) || (!agentId && cancelVisual(runId)) };
    });
  },
};
