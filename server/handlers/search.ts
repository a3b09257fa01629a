// swarm/search: the native trigram index (or ripgrep) over the workspace.
import type { Handler } from '../context';
import { SearchRequest } from '../protocol';
import { codeIndexFor } from '../index/service';
import { checked, searchParams } from './params';

export const searchHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(SearchRequest, async (raw, token) => {
      const params = checked(SearchRequest.method, searchParams, raw);
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        return await codeIndexFor(ctx).search.search(params, ctl.signal);
      } finally {
        sub.dispose();
      }
    });
  },
};
