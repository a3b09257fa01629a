// swarm/mentions: completions for an `@`-mention (files, folders, symbols), best first.
import type { Handler } from '../context';
import { MentionsRequest } from '../protocol';
import { codeIndexFor } from '../index/service';
import { completeMentions, FileList } from '../index/mentions';
import { checked, mentionsParams } from './params';

export const mentionsHandler: Handler = {
  register(ctx) {
    let files: FileList | undefined;
    ctx.onFilesChanged(() => files?.invalidate());
    ctx.connection.onRequest(MentionsRequest, async (raw, token) => {
      const p = checked(MentionsRequest.method, mentionsParams, raw);
      files ??= new FileList(ctx.workspace.root, ctx.workspace.folders ?? []);
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        return await completeMentions({ files, symbols: codeIndexFor(ctx).symbols, query: p.query, limit: Math.min(p.limit ?? 30, 200) }, ctl.signal);
      } finally {
        sub.dispose();
      }
    });
  },
};
