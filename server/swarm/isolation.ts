// A sub-agent's own checkout: the workspace its tools see (edits, commands, tests) and the merge
// of its changes back into the run's workspace when it finishes.
import { createWorkspace, EditorDocuments, type Workspace } from '../workspace';
import type { SubagentResult } from '../tools/types';
import type { Worktrees } from './worktrees';

export interface Isolation {
  workspace: Workspace;
  /** The sub-agent's result with the files merged back (and what was not) in place of its own writes. */
  mergeInto(result: SubagentResult, target: Workspace, signal: AbortSignal): Promise<SubagentResult>;
}

export async function isolated(worktrees: Worktrees, agentId: string): Promise<Isolation> {
  const tree = await worktrees.add(agentId);
  // No editor buffers belong to a worktree: the editor shows the user's tree.
  const workspace = await createWorkspace(tree.dir, new EditorDocuments(), { ephemeral: true });
  return {
    workspace,
    async mergeInto(result, target, signal) {
      try {
        const m = await worktrees.merge(tree, target, signal);
        return { ...result, changedFiles: [...m.merged, ...m.conflicts].sort(), merge: { conflicts: m.conflicts, notApplied: m.notApplied, ...(m.skipped.length ? { skipped: m.skipped } : {}), ...(m.keptAt ? { keptAt: m.keptAt } : {}) } };
      } catch (err) {
        // Nothing was merged: say so, rather than list the files it wrote in its own checkout.
        return { ...result, changedFiles: [], merge: { conflicts: [], notApplied: [], keptAt: tree.dir, error: (err as Error).message } };
      }
    },
  };
}
