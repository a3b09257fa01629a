// The first model request of a run, as server/runs.ts sends it: the system prompt (with the
// orchestrator guide when the swarm is on), the workspace context, the task, and every tool the
// main agent gets. `swarmcode doctor` sends it to the embedded engine, and bench/model/run.ts
// measures it, so both see the prompt size and speed a real run gets. The ranked repo map that a
// run appends to the context is left out (it needs the code index); its budget is `repoMapTokens`.
import { AGENT_SYSTEM_PROMPT, initialMessages, workspaceContext } from '../server/agent/prompt';
import type { ModelRequest } from '../server/model/types';
import { DEFAULT_SETTINGS } from '../server/protocol';
import { ORCHESTRATOR_GUIDE } from '../server/swarm/prompt';
import { builtinTools, orchestrationTools } from '../server/tools/index';
import { toolSpecs } from '../server/tools/runner';

export function firstTurnRequest(workspace: string, task: string, opts: { swarm?: boolean; thinking?: boolean; maxTokens?: number } = {}): ModelRequest {
  const swarm = opts.swarm ?? DEFAULT_SETTINGS.swarm;
  const system = swarm ? `${AGENT_SYSTEM_PROMPT}\n\n${ORCHESTRATOR_GUIDE}` : AGENT_SYSTEM_PROMPT;
  return {
    messages: initialMessages({ system, context: workspaceContext(workspace), task }),
    tools: toolSpecs(swarm ? [...builtinTools, ...orchestrationTools] : builtinTools),
    thinking: opts.thinking ?? true,
    maxTokens: opts.maxTokens,
  };
}
