// swarm/compact: `/compact` — compact a live agent's conversation before its next step.
import type { Handler } from '../context';
import { CompactRequest } from '../protocol';
import { requestCompaction } from '../runs';
import { checked, compactParams } from './params';

export const compactHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(CompactRequest, (raw) => {
      const { runId, agentId } = checked(CompactRequest.method, compactParams, raw);
      return { scheduled: requestCompaction(runId, agentId ?? 'main') };
    });
  },
};
