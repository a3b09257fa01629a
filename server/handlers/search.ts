// swarm/search: the trigram index (native or WebAssembly) or ripgrep over the workspace;
// swarm/indexStatus: which of them serves it.
import type { Handler } from '../context';
import { IndexStatusRequest, SearchRequest } from '../protocol';
import { codeIndexFor } from '../index/service';
import { checked, searchParams } from './params';
import { abortable } from './abortable';

export const searchHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(SearchRequest, async (raw, token) => {
      const params = checked(SearchRequest.method, searchParams, raw);
      return abortable(token, (signal) => codeIndexFor(ctx).search.search(params, signal));
    });
    ctx.connection.onRequest(IndexStatusRequest, () => {
      const search = codeIndexFor(ctx).search;
      const st = search.stats();
      return { ...search.engine(), ...(st.index ? { files: st.index.files, indexBytes: st.index.totalBytes } : {}) };
    });
  },
};
