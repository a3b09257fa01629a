// Approval policy of MCP tools (`mcp__SERVER__TOOL`): `ask` by default. `toolApproval[tool]`
// (server/approval.ts) comes first; then `mcpApproval` by tool name or by server name; then
// `always` when every command runs without asking (`approval: always`, CLI --yes), `never` when
// nothing may run, else `ask` (the CLI, which cannot ask, declines and prints it).
import type { ApprovalPolicy } from '../protocol';
import { mcpToolName } from './names';

export type McpPolicy = 'ask' | 'always' | 'never';

export interface McpApprovalSettings {
  approval: ApprovalPolicy;
  mcpApproval?: Record<string, McpPolicy>;
}

export function isMcpTool(tool: string): boolean {
  return tool.startsWith('mcp__');
}

/** The policy for the model-visible MCP tool `tool`. */
export function mcpPolicy(settings: McpApprovalSettings, tool: string): ApprovalPolicy {
  const entries = settings.mcpApproval ?? {};
  const own = Object.hasOwn(entries, tool) ? entries[tool] : undefined;
  if (own) return own;
  // A server entry covers its tools: mcp__<server, sanitised>__…
  for (const [key, policy] of Object.entries(entries)) {
    if (tool.startsWith(mcpToolName(key, '').replace(/__$/, '') + '__')) return policy;
  }
  if (settings.approval === 'always' || settings.approval === 'never') return settings.approval;
  return 'ask';
}
