// The backend's one McpManager, bound to the server context: configured from the live settings,
// asking the client (`swarm/mcpConfirm`) before a workspace server's first start, and stopped
// when the server stops. Calls are approved by the tool runner (server/approval.ts policyFor).
import { createHash } from 'node:crypto';
import { CancellationTokenSource } from '../protocol/rpc';
import type { ServerContext } from '../context';
import { McpConfirmRequest, type ServerSettings } from '../protocol';
import { describeServer, mergeServers, parseMcpConfig } from './config';
import { McpManager } from './manager';
import { parseJsonc } from './jsonc';

export const DEFAULT_MCP_TIMEOUT_MS = 120_000;

let manager: McpManager | undefined;
let configuredFrom: string | undefined;

async function ask<R>(ctx: ServerContext, send: (token: CancellationTokenSource['token']) => Promise<R>, signal: AbortSignal): Promise<R> {
  const cts = new CancellationTokenSource();
  const onAbort = () => cts.cancel();
  if (signal.aborted) cts.cancel();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await send(cts.token);
  } finally {
    signal.removeEventListener('abort', onAbort);
    cts.dispose();
  }
}

/** The configured servers of the current settings; invalid entries are logged and left out. */
function configure(ctx: ServerContext, m: McpManager, settings: ServerSettings): void {
  const key = JSON.stringify([settings.mcpServers ?? null, settings.mcpWorkspaceConfig ?? null]);
  if (key === configuredFrom) return;
  configuredFrom = key;
  const user = parseMcpConfig(settings.mcpServers, 'user', 'swarmcode.mcpServers');
  let workspace: ReturnType<typeof parseMcpConfig> = { servers: [], errors: [] };
  if (typeof settings.mcpWorkspaceConfig === 'string' && settings.mcpWorkspaceConfig.trim()) {
    try {
      workspace = parseMcpConfig(parseJsonc(settings.mcpWorkspaceConfig), 'workspace', '.vscode/mcp.json');
    } catch (err) {
      workspace.errors.push(`.vscode/mcp.json is not valid JSON: ${(err as Error).message}`);
    }
  }
  for (const e of [...user.errors, ...workspace.errors]) ctx.log.warn(e);
  // A workspace file does not replace a server the user configured under the same name.
  const own = new Set(user.servers.map((s) => s.name));
  m.configure(mergeServers(workspace.servers.filter((s) => !own.has(s.name)), user.servers));
}

/** The process-wide MCP manager, configured from the current settings. */
export function mcpFor(ctx: ServerContext): McpManager {
  manager ??= new McpManager({
    root: ctx.workspace.root,
    log: ctx.log,
    timeoutMs: () => ctx.settings().mcpTimeoutMs || DEFAULT_MCP_TIMEOUT_MS,
    // stdio servers start with the environment commands get: secrets and the provider key removed.
    baseEnv: () => ctx.sandbox.childEnv(),
    confirmStart: async (entry, signal) => {
      try {
        const res = await ask(ctx, (token) => ctx.connection.sendRequest(McpConfirmRequest, { server: entry.name, source: 'workspace', target: describeServer(entry.config), fingerprint: createHash('sha256').update(JSON.stringify(entry.config)).digest('hex').slice(0, 16) }, token), signal);
        return res?.approved === true;
      } catch (err) {
        ctx.log.warn(`MCP server "${entry.name}": the client could not confirm its start (${(err as Error).message}); not started`);
        return false;
      }
    },
  });
  configure(ctx, manager, ctx.settings());
  return manager;
}

/** Stops every MCP server (server shutdown). */
export async function closeMcp(): Promise<void> {
  const m = manager;
  manager = undefined;
  configuredFrom = undefined;
  await m?.close();
}
