// One CodeIndex per server: created on first use, fed by the server's file-change notifications.
import type { ServerContext } from '../context';
import { createCodeIndex, type CodeIndex } from './index';

const byContext = new WeakMap<ServerContext, CodeIndex>();

/** The server's CodeIndex (search, symbols, repo map); the same object for the same context. */
export function codeIndexFor(ctx: ServerContext): CodeIndex {
  let index = byContext.get(ctx);
  if (!index) {
    index = createCodeIndex(ctx.workspace, ctx.log);
    byContext.set(ctx, index);
    const ix = index;
    ctx.onFilesChanged((paths) => ix.update(paths));
  }
  return index;
}
