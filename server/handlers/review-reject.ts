// swarm/reject: roll some (or all) of a run's files back to their checkpoint bytes; files the run
// created are deleted. Also the answer to the restore offer after a crash.
import type { Handler } from '../context';
import { RejectRequest } from '../protocol';
import { rejectChanges } from '../workspace';
import { checked, reviewParams } from './params';

export const rejectHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(RejectRequest, async (raw) => {
      const params = checked(RejectRequest.method, reviewParams, raw);
      const result = await rejectChanges(ctx.workspace.root, params.runId, params.paths, params.hunks, ctx.workspace.documents);
      ctx.log.info(`run ${params.runId}: rolled back ${result.restored.length} file(s), removed ${result.removed.length}`);
      return result;
    });
  },
};
