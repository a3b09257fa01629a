// swarm/compact: `/compact` — compact a live agent's conversation before its next step.
import type { Handler } from '../context';
import { CompactRequest } from '../protocol';
import { requestCompaction } from '../runs';

export const compactHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(CompactRequest, ({ runId, agentId }) => ({ scheduled: requestCompaction(runId, agentId ?? 'main') }));
  },
};
