// swarm/run: starts a run; `$/cancelRequest` on it aborts the run.
import type { Handler } from '../context';
import { RunRequest } from '../protocol';
import { executeRun } from '../runs';

export const runHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(RunRequest, (params, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort(new DOMException('cancelled by the client', 'AbortError')));
      return executeRun(ctx, params, controller.signal);
    });
  },
};
