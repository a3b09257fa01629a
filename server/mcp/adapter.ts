// An MCP tool as a SwarmCode tool: `mcp__SERVER__TOOL`, the server's own JSON schema, the call bounded by a timeout, and every failure of the server turned into
// an error the model sees (never one that ends the run).
import { z } from 'zod';
import { ToolError, type Tool } from '../tools/types';
import { isConnectionClosed, isTimeout, McpUnavailableError, type McpConnection, type McpToolInfo } from './connection';
import { mapToolResult } from './result';
import { isMcpError } from './sdk';

/** Longest description passed to the model (a server's text is untrusted and counts against every prompt). */
export const MAX_DESCRIPTION = 2000;

export interface AdapterDeps {
  /** Limit on one tools/call, ms. */
  timeoutMs(): number;
}

const argsSchema = z.record(z.string(), z.unknown());

/** Largest schema declared as is (JSON characters); a larger one would weigh on every request. */
export const MAX_SCHEMA_CHARS = 16_000;
const OPEN_SCHEMA = { type: 'object', properties: {}, additionalProperties: true };

/**
 * The declared schema: the server's, as an object schema, without `$schema`. One the provider
 * could refuse (not an object of property schemas, or oversized) is replaced by an open object
 * schema, so a broken server cannot make every request of the run fail; the server still
 * validates the arguments.
 */
export function declaredSchema(info: McpToolInfo): { schema: Record<string, unknown>; replaced?: string } {
  const raw = info.inputSchema;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { schema: OPEN_SCHEMA, replaced: 'it is not an object' };
  const { $schema: _drop, ...rest } = raw as Record<string, unknown>;
  const props = rest.properties ?? {};
  if (typeof props !== 'object' || Array.isArray(props) || Object.values(props as object).some((p) => !p || typeof p !== 'object')) return { schema: OPEN_SCHEMA, replaced: 'its properties are not schemas' };
  let size: number;
  try {
    size = JSON.stringify(rest).length;
  } catch {
    return { schema: OPEN_SCHEMA, replaced: 'it cannot be serialised' };
  }
  if (size > MAX_SCHEMA_CHARS) return { schema: OPEN_SCHEMA, replaced: `it is ${size} characters (over ${MAX_SCHEMA_CHARS})` };
  return { schema: { ...rest, type: 'object', properties: props } };
}

function describe(server: string, info: McpToolInfo): string {
  const text = (info.description ?? info.title ?? info.annotations?.title ?? '').trim();
  const cut = text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text;
  return `${cut || info.name} (tool "${info.name}" of the MCP server "${server}")`;
}

export function adaptTool(conn: McpConnection, info: McpToolInfo, name: string, deps: AdapterDeps): Tool<Record<string, unknown>> {
  const readOnlyHint = info.annotations?.readOnlyHint === true;
  const { schema, replaced } = declaredSchema(info);
  return {
    name,
    description: describe(conn.name, info) + (replaced ? ` Its argument schema was left out (${replaced}): pass the arguments its description names.` : ''),
    parameters: argsSchema,
    inputSchema: schema,
    readOnlyHint,
    mutating: !readOnlyHint,
    // The server decides what runs in parallel; calls of one turn are not serialised by us.
    parallel: true,
    // Approval happens before run, in the tool runner (ctx.approveTool, policy in server/approval.ts).
    async run(args, _ctx, signal) {
      const timeoutMs = deps.timeoutMs();
      let result: unknown;
      try {
        result = await conn.callTool(info.name, args, signal, timeoutMs);
      } catch (err) {
        if (signal.aborted) throw err;
        throw toolErrorFor(err, conn.name, name, timeoutMs);
      }
      return mapToolResult(result, name);
    },
  };
}

/** The model's view of a failed call: what happened and whether trying again can help. */
export function toolErrorFor(err: unknown, server: string, tool: string, timeoutMs: number): ToolError {
  if (err instanceof ToolError) return err;
  if (isTimeout(err)) return new ToolError(`${tool} did not finish within ${timeoutMs} ms and was cancelled (the MCP server "${server}" was told to stop it).`);
  if (isConnectionClosed(err)) return new ToolError(`The MCP server "${server}" stopped during the call to ${tool} (it crashed or exited). It is restarted on the next call; the call may or may not have had its effect.`);
  if (err instanceof McpUnavailableError) return new ToolError(`${err.message}. Its tools cannot be used now; carry on without them.`);
  if (isMcpError(err)) return new ToolError(`${tool} failed: ${err.message}`);
  return new ToolError(`${tool} failed: ${err instanceof Error ? err.message : String(err)}`);
}
