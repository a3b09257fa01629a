// Model-visible names of MCP tools: `mcp__SERVER__TOOL`, sanitised to what the chat APIs accept
// (OpenAI function names: ^[a-zA-Z0-9_-]{1,64}$; Moonshot follows the OpenAI contract).
import { createHash } from 'node:crypto';

export const MAX_TOOL_NAME = 64;
const PREFIX = 'mcp__';

function clean(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8);
}

/** `mcp__SERVER__TOOL`, characters outside [A-Za-z0-9_-] replaced; over 64 characters cut and made unique with a hash. */
export function mcpToolName(server: string, tool: string): string {
  const full = `${PREFIX}${clean(server)}__${clean(tool)}`;
  if (full.length <= MAX_TOOL_NAME) return full;
  const hash = shortHash(`${server}\0${tool}`);
  return `${full.slice(0, MAX_TOOL_NAME - hash.length - 1)}_${hash}`;
}

/**
 * Names for one server's tools: sanitised, and distinct even when two tool names clean to the
 * same string (`a.b` and `a_b`): the later ones get a hash suffix.
 */
export function mcpToolNames(server: string, tools: string[], taken: Set<string> = new Set()): string[] {
  return tools.map((tool) => {
    let name = mcpToolName(server, tool);
    if (taken.has(name)) {
      const hash = shortHash(`${server}\0${tool}`);
      name = `${name.slice(0, MAX_TOOL_NAME - hash.length - 1)}_${hash}`;
    }
    taken.add(name);
    return name;
  });
}

/** The command name of an MCP prompt (VS Code's `/mcp.SERVER.PROMPT`). */
export function mcpPromptCommand(server: string, prompt: string): string {
  return `mcp.${server}.${prompt.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}
