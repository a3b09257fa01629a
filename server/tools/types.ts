// A model-visible tool is one object (DESIGN.md §5.4).
import type { z } from 'zod';
import type { Workspace } from '../workspace';
import type { Logger } from '../log';

/** An error the model should see and recover from; the run goes on. */
export class ToolError extends Error {
  override name = 'ToolError';
}

export interface ToolContext {
  workspace: Workspace;
  runId: string;
  agentId: string;
  log: Logger;
  /** Asks whoever may approve a shell command (policy, client or CLI flag). */
  approveCommand(command: string, cwd: string, signal: AbortSignal): Promise<boolean>;
}

export interface Tool<A = any> {
  name: string;
  description: string;
  parameters: z.ZodType;
  /** True when the tool changes the workspace or runs processes. */
  mutating: boolean;
  /** Mutating tools run one at a time per agent turn unless they declare they are safe in parallel. */
  parallel?: boolean;
  run(args: A, ctx: ToolContext, signal: AbortSignal): Promise<string>;
}

/** Helper that keeps the argument type flowing from the schema to `run`. */
export function defineTool<S extends z.ZodType>(tool: {
  name: string;
  description: string;
  parameters: S;
  mutating: boolean;
  parallel?: boolean;
  run(args: z.infer<S>, ctx: ToolContext, signal: AbortSignal): Promise<string>;
}): Tool<z.infer<S>> {
  return tool as Tool<z.infer<S>>;
}
