// MCP server configuration in VS Code's mcp.json shape:
// {"servers": {NAME: {"type": "stdio", command, args?, env?, cwd?} | {"type": "http" | "sse", url, headers?}}}
// (https://code.visualstudio.com/docs/copilot/customization/mcp-servers#_configuration-format).
// Hostile or broken input becomes a clear error per server; the other servers still load.

export interface McpStdioConfig {
  type: 'stdio';
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface McpHttpConfig {
  /** `http`: streamable HTTP, falling back to legacy SSE; `sse`: legacy SSE only. */
  type: 'http' | 'sse';
  url: string;
  headers?: Record<string, string>;
}

export type McpServerConfig = McpStdioConfig | McpHttpConfig;

/** Where a server's configuration came from. Workspace servers need the user's yes before their first start. */
export type McpSource = 'user' | 'workspace' | 'cli';

export interface McpServerEntry {
  name: string;
  config: McpServerConfig;
  source: McpSource;
}

export interface ParsedMcpConfig {
  servers: McpServerEntry[];
  /** One line per server (or file) that was left out, and why. */
  errors: string[];
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_SERVERS = 100;

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function stringMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined) return {};
  if (!isObject(v)) throw new Error(`${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') throw new Error(`${what}.${k} must be a string`);
    if (/[\r\n\0]/.test(k) || /[\0]/.test(String(val))) throw new Error(`${what}.${k} contains a control character`);
    out[k] = String(val);
  }
  return out;
}

/** One server's entry, validated; throws an Error with a message naming the problem. */
export function parseServer(raw: unknown): McpServerConfig {
  if (!isObject(raw)) throw new Error('must be an object');
  const type = raw.type ?? (typeof raw.command === 'string' ? 'stdio' : typeof raw.url === 'string' ? 'http' : undefined);
  if (type === 'stdio') {
    if (typeof raw.command !== 'string' || !raw.command.trim()) throw new Error('a stdio server needs "command"');
    if (raw.command.includes('\0')) throw new Error('"command" contains a NUL character');
    if (raw.args !== undefined && (!Array.isArray(raw.args) || raw.args.some((a) => typeof a !== 'string' || a.includes('\0')))) throw new Error('"args" must be an array of strings');
    if (raw.cwd !== undefined && typeof raw.cwd !== 'string') throw new Error('"cwd" must be a string');
    const env = stringMap(raw.env, 'env');
    return {
      type: 'stdio',
      command: raw.command,
      ...(raw.args ? { args: raw.args as string[] } : {}),
      ...(Object.keys(env).length ? { env } : {}),
      ...(raw.cwd ? { cwd: raw.cwd as string } : {}),
    };
  }
  if (type === 'http' || type === 'sse') {
    if (typeof raw.url !== 'string') throw new Error(`a ${type} server needs "url"`);
    let url: URL;
    try {
      url = new URL(raw.url);
    } catch {
      throw new Error(`"url" is not a URL: ${JSON.stringify(raw.url).slice(0, 200)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"url" must be http(s), not ${url.protocol}`);
    const headers = stringMap(raw.headers, 'headers');
    for (const [k, v] of Object.entries(headers)) if (/[\r\n]/.test(k + v)) throw new Error(`headers.${k} contains a line break`);
    return { type, url: url.href, ...(Object.keys(headers).length ? { headers } : {}) };
  }
  throw new Error(`unknown "type" ${JSON.stringify(type)} (stdio, http or sse)`);
}

/**
 * Reads a configuration: `{"servers": {...}}` (mcp.json) or the bare map of servers (the
 * `swarmcode.mcpServers` setting). Invalid servers are reported in `errors` and left out.
 */
export function parseMcpConfig(raw: unknown, source: McpSource, origin: string = source): ParsedMcpConfig {
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { servers: [], errors };
  if (!isObject(raw)) return { servers: [], errors: [`${origin}: MCP configuration must be a JSON object`] };
  const map = isObject(raw.servers) ? raw.servers : raw.servers === undefined ? raw : undefined;
  if (!map) return { servers: [], errors: [`${origin}: "servers" must be an object`] };
  const servers: McpServerEntry[] = [];
  for (const [name, value] of Object.entries(map)) {
    // mcp.json's other top-level keys ("inputs") are not servers.
    if (map === raw && name === 'inputs') continue;
    if (servers.length >= MAX_SERVERS) {
      errors.push(`${origin}: more than ${MAX_SERVERS} MCP servers; the rest were left out`);
      break;
    }
    if (!NAME.test(name)) {
      errors.push(`${origin}: MCP server name ${JSON.stringify(name).slice(0, 80)} is invalid (1-64 letters, digits, _ . -)`);
      continue;
    }
    try {
      servers.push({ name, config: parseServer(value), source });
    } catch (err) {
      errors.push(`${origin}: MCP server "${name}" ${(err as Error).message}`);
    }
  }
  return { servers, errors };
}

/** Later sources win by name (user setting < workspace file < CLI files, in the order given). */
export function mergeServers(...lists: McpServerEntry[][]): McpServerEntry[] {
  const byName = new Map<string, McpServerEntry>();
  for (const list of lists) for (const s of list) byName.set(s.name, s);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Replaces ${workspaceFolder} (VS Code's variable) in command, args, cwd and env values. */
export function substitute(config: McpServerConfig, workspaceFolder: string): McpServerConfig {
  const sub = (s: string) => s.split('${workspaceFolder}').join(workspaceFolder);
  if (config.type !== 'stdio') return { ...config, url: sub(config.url) };
  return {
    ...config,
    command: sub(config.command),
    ...(config.args ? { args: config.args.map(sub) } : {}),
    ...(config.cwd ? { cwd: sub(config.cwd) } : {}),
    ...(config.env ? { env: Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, sub(v)])) } : {}),
  };
}

/** A short description for logs and confirmations: the command line or the URL (never header values). */
export function describeServer(config: McpServerConfig): string {
  if (config.type === 'stdio') return [config.command, ...(config.args ?? [])].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  return `${config.type} ${config.url}`;
}
