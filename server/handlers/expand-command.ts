// swarm/expandCommand: an MCP prompt with named arguments, expanded to a task. Also registers MCP
// prompts as a command source of server/rules (so `swarm/commands` lists them and a run's task
// may start with `/mcp.SERVER.PROMPT`).
import { ResponseError } from '../protocol/rpc';
import { z } from 'zod';
import type { Handler } from '../context';
import { ExpandCommandRequest } from '../protocol';
import { mcpFor, DEFAULT_MCP_TIMEOUT_MS } from '../mcp';
import { expandMcpCommand, mcpCommandSource, McpCommandError } from '../mcp/prompts';
import { registerCommandSource } from '../rules';
import { abortable } from './abortable';
import { checked } from './params';

const params = z.object({ name: z.string().min(1).max(200), args: z.record(z.string(), z.string()).optional() });

export const expandCommandHandler: Handler = {
  register(ctx) {
    const timeout = () => ctx.settings().mcpTimeoutMs || DEFAULT_MCP_TIMEOUT_MS;
    // Before initialize there is no workspace and so no MCP manager: no MCP commands yet.
    registerCommandSource(
      mcpCommandSource(() => {
        try {
          return mcpFor(ctx);
        } catch {
          return undefined;
        }
      }, timeout),
    );
    ctx.connection.onRequest(ExpandCommandRequest, async (raw, token) => {
      const p = checked(ExpandCommandRequest.method, params, raw);
      try {
        return await abortable(token, (signal) => expandMcpCommand(mcpFor(ctx), p.name, p.args ?? {}, signal, timeout()));
      } catch (err) {
        if (err instanceof McpCommandError) throw new ResponseError(-32602, err.message);
        throw new ResponseError(-32603, `expanding ${p.name} failed: ${(err as Error).message}`);
      }
    });
  },
};
