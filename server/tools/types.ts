// A model-visible tool is one object (DESIGN.md §5.4).
import type { z } from 'zod';
import type { Workspace } from '../workspace';
import type { Logger } from '../log';
import type { ImagePart } from '../model/types';
import type { Sandbox } from '../sandbox';

export { ToolError } from '../workspace/tool-error';

export interface ToolContext {
  workspace: Workspace;
  runId: string;
  agentId: string;
  log: Logger;
  /** Asks whoever may approve a shell command (policy, client or CLI flag). */
  approveCommand(command: string, cwd: string, signal: AbortSignal, needs?: CommandNeeds): Promise<Approval>;
  /** Asks before a write to a file that makes tools run code (.vscode/tasks.json, .npmrc, …); `call` is shown to the user. */
  approveWrite?(relPath: string, signal: AbortSignal, call?: { tool: string; args: unknown }): Promise<Approval>;
  /** Asks about any other tool call under its policy (`toolApproval`); absent = allowed. */
  approveTool?(tool: string, args: unknown, signal: AbortSignal): Promise<boolean>;
  /** Asks before a spawn_swarm this wide (the user's `swarmConfirmWidth`); absent = allowed. */
  approveSwarm?(width: number, args: unknown, signal: AbortSignal): Promise<Approval>;
  /** Process containment and secret redaction (server/sandbox); a default one when absent. */
  sandbox?: Sandbox;
  /** Present for agents that may orchestrate sub-agents. */
  swarm?: SwarmHandle;
  /** Shared services the server created once (search index, symbols, repo map). */
  services?: { index?: import('../index/index').CodeIndex };
  /** Skills of this run (load_skill). */
  skills?: import('../rules/skills').SkillSet;
}

/** What a command needs beyond running allowlisted inside the sandbox. */
export interface CommandNeeds {
  /** It will run inside the OS sandbox (false: none available, or it asked to run outside). */
  sandboxed: boolean;
  /** It asked for network access. */
  network?: boolean;
  /** It asked to run outside the sandbox. */
  outside?: boolean;
  /** The model's reason for needing more. */
  why?: string;
}

export interface Approval {
  approved: boolean;
  /** Why it was asked or refused (said to the user and the model). */
  reason?: string;
}

export interface SubagentResult {
  agentId: string;
  status: 'done' | 'failed' | 'cancelled';
  text: string;
  error?: string;
  steps: number;
  /** Workspace-relative paths the sub-agent wrote. */
  changedFiles: string[];
  /** Worktree runs: how its changes came back into the workspace. */
  merge?: { conflicts: string[]; notApplied: { path: string; why: string }[]; skipped?: string[]; keptAt?: string; error?: string };
}

/** What the orchestration tools may do, bound to the calling agent. */
export interface SwarmHandle {
  /** Registers a sub-agent template; returns a confirmation for the model. ToolError on bad input. */
  createAgent(name: string, systemPrompt: string, tools?: string[]): string;
  /** Runs one task on a fresh instance of the named sub-agent. ToolError when it cannot start. */
  /** `opts.item`: the spawn_swarm item this sub-agent works on (names its lane in the clients). */
  assign(agent: string, task: string, signal: AbortSignal, opts?: { item?: string }): Promise<SubagentResult>;
  /** Names of the templates created so far. */
  agentNames(): string[];
}

/** A tool result with pictures for the model (e.g. render_compare's region crops). */
export interface ToolOutput {
  text: string;
  images?: ImagePart[];
}

export interface Tool<A = any> {
  name: string;
  description: string;
  parameters: z.ZodType;
  /** True when the tool changes the workspace or runs processes. */
  mutating: boolean;
  /** Mutating tools run one at a time per agent turn unless they declare they are safe in parallel. */
  parallel?: boolean;
  /** The tool's time is spent by other agents (orchestration); not counted as this agent's busy time. */
  delegates?: boolean;
  /** Callable but not declared to the model (e.g. a refusal stub). */
  hidden?: boolean;
  /** A JSON Schema declared to the model as is instead of `parameters`' (MCP tools bring their own). */
  inputSchema?: Record<string, unknown>;
  /** MCP tools: the server's `readOnlyHint` annotation (a hint from the server; plan mode may run these without asking). */
  readOnlyHint?: boolean;
  /** Workspace paths the call reads or writes, for ordering one turn's calls; absent = any path. */
  paths?(args: A): unknown[];
  run(args: A, ctx: ToolContext, signal: AbortSignal): Promise<string | ToolOutput>;
}

/** Helper that keeps the argument type flowing from the schema to `run`. */
export function defineTool<S extends z.ZodType>(tool: {
  name: string;
  description: string;
  parameters: S;
  mutating: boolean;
  parallel?: boolean;
  delegates?: boolean;
  hidden?: boolean;
  paths?(args: z.infer<S>): unknown[];
  run(args: z.infer<S>, ctx: ToolContext, signal: AbortSignal): Promise<string | ToolOutput>;
}): Tool<z.infer<S>> {
  return tool as Tool<z.infer<S>>;
}
