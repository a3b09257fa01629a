// swarm/run: starts a run; `$/cancelRequest` on it aborts the run.
import type { Handler } from '../context';
import { RunRequest } from '../protocol';
import { executeRun } from '../runs';
import { checked, runParams } from './params';

export const runHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(RunRequest, (raw, token) => {
      const params = checked(RunRequest.method, runParams, raw);
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort(new DOMException('cancelled by the client', 'AbortError')));
      return executeRun(ctx, params, controller.signal);
    });
  },
};
