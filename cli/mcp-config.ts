// `--mcp-config FILE` (repeatable): MCP servers in VS Code's mcp.json shape (JSONC), later files winning
// by name; `--mcp-allow NAME` lets a server (or one mcp__SERVER__TOOL) run without asking.
import { readFileSync } from 'node:fs';
import type { ServerSettings } from '../server/protocol';
import { parseMcpConfig } from '../server/mcp/config';
import { parseJsonc } from '../server/mcp/jsonc';

export class McpConfigError extends Error {
  override name = 'McpConfigError';
}

/** Reads the files; any unreadable file, invalid JSON or invalid server is an error naming it. */
export function loadMcpConfigs(files: string[], allow: string[] = []): Pick<ServerSettings, 'mcpServers' | 'mcpApproval'> {
  const servers: NonNullable<ServerSettings['mcpServers']> = {};
  for (const file of files) {
    let raw: unknown;
    try {
      raw = parseJsonc(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new McpConfigError(`--mcp-config ${file}: ${(err as Error).message}`);
    }
    const parsed = parseMcpConfig(raw, 'cli', `--mcp-config ${file}`);
    if (parsed.errors.length) throw new McpConfigError(parsed.errors.join('\n'));
    for (const s of parsed.servers) servers[s.name] = s.config;
  }
  const out: Pick<ServerSettings, 'mcpServers' | 'mcpApproval'> = {};
  if (Object.keys(servers).length) out.mcpServers = servers;
  if (allow.length) out.mcpApproval = Object.fromEntries(allow.map((a) => [a, 'always' as const]));
  return out;
}
