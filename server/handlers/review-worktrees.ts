// swarm/removeWorktree: deletes a sub-agent checkout that a worktree run kept (listed by swarm/changes).
import type { Handler } from '../context';
import { RemoveWorktreeRequest } from '../protocol';
import { removeKeptWorktree } from '../swarm';
import { checked, removeWorktreeParams } from './params';

export const removeWorktreeHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(RemoveWorktreeRequest, async (raw) => {
      const params = checked(RemoveWorktreeRequest.method, removeWorktreeParams, raw);
      const removed = await removeKeptWorktree(ctx.workspace.root, params.path);
      if (removed) ctx.log.info(`removed kept worktree ${params.path}`);
      return { removed };
    });
  },
};
