// Plan mode: the agent and its sub-agents get read-only tools only and a read-only workspace
// (workspace/read-only.ts); the answer is a plan the user can act on.
import type { Tool } from '../tools/types';

/** Built-in tools that only look: read, list, grep, symbols, repo map, git status/diff, skills. */
export const PLAN_TOOL_NAMES = new Set(['read_file', 'list_files', 'grep', 'find_symbol', 'repo_map', 'git', 'load_skill']);

/**
 * The tools a plan-mode agent may have: the read-only built-ins, and MCP tools (`mcp__…`) that
 * declare themselves non-mutating (the MCP adapter sets `mutating` from the tool's readOnlyHint).
 */
export function planTools(tools: Tool[]): Tool[] {
  return tools.filter((t) => !t.mutating && (PLAN_TOOL_NAMES.has(t.name) || t.name.startsWith('mcp__')));
}

export const PLAN_MODE_GUIDE = `PLAN MODE: this run is read-only. You (and any sub-agents) have only tools that look; nothing in the workspace can change. Investigate what the task needs, then answer with a plan the user can approve: the goal in one line; the steps in order, each naming the files to change or create and what to do there; the commands and tests that will check it; risks and open questions. Do not claim to have made changes.`;
