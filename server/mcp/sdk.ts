// The MCP SDK, loaded when the first MCP server starts: its modules build hundreds of zod schemas
// and an ajv instance as they load, which a run that configures no MCP server (a one-shot
// `swarmcode run`) should not pay for at start-up (docs/benchmarks.md, bench/cli).
import type { McpError } from '@modelcontextprotocol/sdk/types.js';

async function load() {
  const [client, stdio, http, sse, types] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  return {
    Client: client.Client,
    StdioClientTransport: stdio.StdioClientTransport,
    getDefaultEnvironment: stdio.getDefaultEnvironment,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    SSEClientTransport: sse.SSEClientTransport,
    types,
  };
}

export type McpSdk = Awaited<ReturnType<typeof load>>;

let loading: Promise<McpSdk> | undefined;
let loaded: McpSdk | undefined;

export function loadMcpSdk(): Promise<McpSdk> {
  loading ??= load().then((sdk) => (loaded = sdk));
  return loading;
}

/** An McpError (with that ErrorCode when given); none exists before the SDK has loaded. */
export function isMcpError(err: unknown, code?: 'ConnectionClosed' | 'RequestTimeout'): err is McpError {
  return !!loaded && err instanceof loaded.types.McpError && (code === undefined || err.code === loaded.types.ErrorCode[code]);
}
