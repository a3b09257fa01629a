// swarm/run: starts a run; `$/cancelRequest` on it aborts the run. Attachments are resolved first:
// one that cannot be (outside the workspace, missing, too many) refuses the run with -32602.
import { ErrorCodes, ResponseError } from '../protocol/rpc';
import type { Handler } from '../context';
import { RunRequest } from '../protocol';
import { executeRun } from '../runs';
import { AttachmentError, resolveAttachments } from '../attachments/resolve';
import { checked, runParams } from './params';
import { tokenSignal } from './abortable';

export const runHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(RunRequest, async (raw, token) => {
      const params = checked(RunRequest.method, runParams, raw);
      const { signal } = tokenSignal(token);
      let attachments = '';
      if (params.attachments?.length) {
        try {
          const env = { workspace: ctx.workspace, log: ctx.log, sandbox: ctx.sandbox };
          attachments = await resolveAttachments(params.attachments, env, signal);
        } catch (err) {
          if (err instanceof AttachmentError) throw new ResponseError(ErrorCodes.InvalidParams, `${RunRequest.method}: ${err.message}`);
          throw err;
        }
      }
      return executeRun(ctx, params, signal, { attachments });
    });
  },
};
