// MCP client (official SDK): connections, the adapter to SwarmCode tools, prompts as commands.
export { mcpFor, closeMcp, DEFAULT_MCP_TIMEOUT_MS } from './service';
export type { McpRunTools } from './manager';
export { McpManager } from './manager';
export { parseMcpConfig, mergeServers, type McpServerEntry, type McpServerConfig } from './config';
export { mcpToolName } from './names';
