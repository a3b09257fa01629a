// Slash commands (docs/protocol.md § Commands).
import { RequestType } from './rpc';

export type CommandSourceKind = 'builtin' | 'project' | 'user' | 'mcp';

export interface CommandInfo {
  /** Without the slash: `init`, `review`, a custom command's file name. */
  name: string;
  description: string;
  /** What to type after the name, e.g. `[file]` (front matter `argument-hint`). */
  argumentHint?: string;
  source: CommandSourceKind;
  /** Multi-root, project commands: the workspace folder whose `.swarmcode/commands` has it. */
  folder?: string;
  /**
   * `server` (also when absent): typed as (the start of) a run's task, the server expands it
   * (`swarm/run`, the CLI's TASK). `client`: the chat panel does it itself (`/compact`, `/undo`, …).
   */
  runsIn?: 'server' | 'client';
  /** MCP prompts: the server that offers it and the prompt's declared arguments (expanded with `swarm/expandCommand`). */
  server?: string;
  arguments?: { name: string; description?: string; required: boolean }[];
}

/** Client → server: the slash commands of this workspace (built-in, project, user, other sources). */
export const CommandsRequest = new RequestType<Record<string, never> | undefined, CommandInfo[], void>('swarm/commands');
