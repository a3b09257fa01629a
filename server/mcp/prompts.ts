// MCP prompts (spec 2025-06-18, server/prompts) as slash commands: `/mcp.SERVER.PROMPT`, a
// command source of server/rules (listed by `swarm/commands`, expanded in a run's task) and
// `swarm/expandCommand` with named arguments; prompts/get's messages become the task text.
import type { CommandInfo } from '../protocol/rules';
import type { ExpandCommandResult } from '../protocol/mcp';
import type { CommandSource } from '../rules';
import type { McpManager } from './manager';
import type { McpPromptInfo } from './connection';
import { mcpPromptCommand } from './names';

/** Raised for a command that does not exist or arguments it cannot take; the client shows the message. */
export class McpCommandError extends Error {
  override name = 'McpCommandError';
}

const MAX_DESCRIPTION = 1000;

function info(server: string, prompt: McpPromptInfo): CommandInfo {
  const args = (prompt.arguments ?? []).filter((a) => a && typeof a.name === 'string');
  return {
    name: mcpPromptCommand(server, prompt.name),
    description: String(prompt.description ?? prompt.title ?? prompt.name).slice(0, MAX_DESCRIPTION),
    source: 'mcp',
    server,
    ...(args.length ? { argumentHint: args.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ') } : {}),
    arguments: args.map((a) => ({ name: a.name, ...(a.description ? { description: a.description } : {}), required: a.required === true })),
  };
}

export async function listMcpCommands(manager: McpManager, signal: AbortSignal): Promise<CommandInfo[]> {
  return (await manager.prompts(signal)).map(({ server, prompt }) => info(server, prompt));
}

/**
 * What follows a typed command, as prompt arguments: `name=value` pairs (values may be quoted), or
 * else words in the declared order, the last argument taking the rest.
 */
export function promptArgs(text: string, declared: string[]): Record<string, string> {
  const pairs = [...text.matchAll(/([A-Za-z_][\w-]*)=("([^"]*)"|'([^']*)'|\S+)/g)];
  if (pairs.length && pairs.every((m) => declared.includes(m[1]))) {
    return Object.fromEntries(pairs.map((m) => [m[1], m[3] ?? m[4] ?? m[2]]));
  }
  const words = text.trim() ? text.trim().split(/\s+/) : [];
  const out: Record<string, string> = {};
  declared.forEach((name, i) => {
    const value = i === declared.length - 1 ? words.slice(i).join(' ') : words[i];
    if (value) out[name] = value;
  });
  return out;
}

type PromptMessage = { role: string; content: Record<string, unknown> };

export async function expandMcpCommand(manager: McpManager, name: string, args: Record<string, string>, signal: AbortSignal, timeoutMs: number): Promise<ExpandCommandResult> {
  const wanted = name.replace(/^\//, '');
  const found = (await manager.prompts(signal)).find(({ server, prompt }) => mcpPromptCommand(server, prompt.name) === wanted);
  if (!found) throw new McpCommandError(`No MCP command named ${JSON.stringify(name).slice(0, 100)}`);
  const missing = (found.prompt.arguments ?? []).filter((a) => a.required && !(typeof args[a.name] === 'string' && args[a.name] !== ''));
  if (missing.length) throw new McpCommandError(`/${wanted} needs ${missing.map((a) => a.name).join(', ')}`);
  const values = Object.fromEntries(Object.entries(args).filter(([, v]) => typeof v === 'string'));
  const result = await manager.connection(found.server)!.getPrompt(found.prompt.name, values, signal, timeoutMs);
  const messages = (result.messages ?? []) as PromptMessage[];
  const images: ExpandCommandResult['images'] = [];
  const several = new Set(messages.map((m) => m.role)).size > 1;
  const parts = messages.map((m) => {
    const c = m.content ?? {};
    let text: string;
    if (c.type === 'text') text = String(c.text ?? '');
    else if (c.type === 'image' && typeof c.data === 'string' && typeof c.mimeType === 'string') {
      images.push({ mimeType: c.mimeType, data: c.data });
      text = `[image ${images.length}]`;
    } else if (c.type === 'resource' && c.resource && typeof c.resource === 'object') {
      const r = c.resource as Record<string, unknown>;
      text = typeof r.text === 'string' ? `[resource ${String(r.uri)}]\n${r.text}` : `[resource ${String(r.uri)}: binary, not shown]`;
    } else text = `[${String(c.type)} content left out]`;
    return several ? `${m.role === 'assistant' ? 'Assistant' : 'User'}: ${text}` : text;
  });
  return { text: parts.join('\n\n'), images };
}

/** MCP prompts as a command source: `/mcp.SERVER.PROMPT words…` in a task expands to the prompt's text. */
export function mcpCommandSource(manager: () => McpManager | undefined, timeoutMs: () => number): CommandSource {
  const never = new AbortController().signal;
  return {
    async list(signal) {
      const m = manager();
      return m ? listMcpCommands(m, signal ?? never) : [];
    },
    async expand(name, args, signal) {
      const m = manager();
      if (!m || !name.startsWith('mcp.')) return undefined;
      const prompts = await m.prompts(signal ?? never);
      const found = prompts.find(({ server, prompt }) => mcpPromptCommand(server, prompt.name) === name);
      if (!found) return undefined;
      const declared = (found.prompt.arguments ?? []).map((a) => a.name);
      const { text } = await expandMcpCommand(m, name, promptArgs(args, declared), signal ?? never, timeoutMs());
      return { task: text };
    },
  };
}
