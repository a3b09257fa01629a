// A view of a workspace that cannot change it: plan mode's guarantee that nothing in the
// workspace changes whatever the model tries, below the tool list (which already has no writers).
import { ToolError } from './tool-error';
import type { Workspace } from './types';
import { readingView } from './view';

const REFUSAL = 'This run is in plan mode: the workspace is read-only. Describe the change in your plan instead.';

export function readOnlyWorkspace(ws: Workspace): Workspace {
  const refuse = async (): Promise<never> => {
    throw new ToolError(REFUSAL);
  };
  return {
    ...readingView(ws),
    writeText: refuse,
    editText: refuse,
    deleteFile: refuse,
    forAgent: (agentId) => readOnlyWorkspace(ws.forAgent?.(agentId) ?? ws),
  };
}
