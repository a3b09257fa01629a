// swarm/mentions: completions for an `@`-mention (files, folders, symbols), best first.
import type { Handler } from '../context';
import { MentionsRequest } from '../protocol';
import { codeIndexFor } from '../index/service';
import { completeMentions, FileList } from '../index/mentions';
import { checked, mentionsParams } from './params';
import { abortable } from './abortable';

export const mentionsHandler: Handler = {
  register(ctx) {
    let files: FileList | undefined;
    ctx.onFilesChanged(() => files?.invalidate());
    ctx.connection.onRequest(MentionsRequest, async (raw, token) => {
      const p = checked(MentionsRequest.method, mentionsParams, raw);
      const list = (files ??= new FileList(ctx.workspace.root, ctx.workspace.folders ?? []));
      return abortable(token, (signal) => completeMentions({ files: list, symbols: codeIndexFor(ctx).symbols, query: p.query, limit: Math.min(p.limit ?? 30, 200) }, signal));
    });
  },
};
