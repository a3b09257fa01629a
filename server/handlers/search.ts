// swarm/search: the trigram index (native or WebAssembly) or ripgrep over the workspace;
// swarm/indexStatus: which of them serves it.
import type { Handler } from '../context';
import { IndexStatusRequest, SearchRequest } from '../protocol';
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
    ctx.connection.onRequest(IndexStatusRequest, () => {
      const search = codeIndexFor(ctx).search;
      const st = search.stats();
      return { ...search.engine(), ...(st.index ? { files: st.index.files, indexBytes: st.index.totalBytes } : {}) };
    });
  },
};
