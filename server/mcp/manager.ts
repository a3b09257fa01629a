// Every configured MCP server of the backend process: one connection each, shared by all runs and
// all their agents; the tool lists runs declare (sorted, so the prompt prefix is stable), kept
// current when a server's list changes; prompts as commands; everything stopped with the server.
import type { Logger } from '../log';
import type { Tool } from '../tools/types';
import type { McpServerEntry } from './config';
import { McpConnection, type McpConnectionOptions, type McpPromptInfo } from './connection';
import { adaptTool, type AdapterDeps } from './adapter';
import { mcpToolNames } from './names';

/** Tools declared per server (chat APIs cap a request's tools, OpenAI at 128; each one weighs on every prompt). */
export const MAX_TOOLS_PER_SERVER = 64;

export interface McpManagerOptions extends AdapterDeps {
  root: string;
  log: Logger;
  confirmStart?: McpConnectionOptions['confirmStart'];
  startTimeoutMs?: number;
  baseEnv?: McpConnectionOptions['baseEnv'];
}

/** The tools of one run: a live array (built-ins first, then MCP tools by name) and what could not be loaded. */
export interface McpRunTools {
  tools: Tool[];
  /** One line per server whose tools are missing, and why (reported to the model and the user). */
  problems: string[];
  /** Stops following tool-list changes (the run ended). */
  dispose(): void;
}

export class McpManager {
  private readonly connections = new Map<string, { key: string; conn: McpConnection }>();

  constructor(private readonly opts: McpManagerOptions) {}

  /** Applies a (new) configuration: changed or removed servers are stopped, new ones start on first use. */
  configure(entries: McpServerEntry[]): void {
    const wanted = new Map(entries.map((e) => [e.name, e]));
    for (const [name, { key, conn }] of this.connections) {
      const next = wanted.get(name);
      if (next && JSON.stringify(next) === key) continue;
      this.connections.delete(name);
      void conn.close();
    }
    for (const entry of entries) {
      if (this.connections.has(entry.name)) continue;
      const conn = new McpConnection({ entry, root: this.opts.root, log: this.opts.log, confirmStart: this.opts.confirmStart, startTimeoutMs: this.opts.startTimeoutMs, baseEnv: this.opts.baseEnv });
      this.connections.set(entry.name, { key: JSON.stringify(entry), conn });
    }
  }

  get size(): number {
    return this.connections.size;
  }

  connection(name: string): McpConnection | undefined {
    return this.connections.get(name)?.conn;
  }

  /** Every server's tools, adapted, sorted by name; servers that fail are reported in `problems`. */
  async tools(signal: AbortSignal): Promise<{ tools: Tool[]; problems: string[] }> {
    const conns = [...this.connections.values()].map((c) => c.conn).sort((a, b) => (a.name < b.name ? -1 : 1));
    const problems: string[] = [];
    const taken = new Set<string>();
    const lists = await Promise.all(
      conns.map(async (conn) => {
        try {
          return { conn, infos: await conn.listTools(signal) };
        } catch (err) {
          signal.throwIfAborted();
          problems.push(conn.lastError ?? `MCP server "${conn.name}" could not list its tools: ${(err as Error).message}`);
          return { conn, infos: [] };
        }
      }),
    );
    const tools: Tool[] = [];
    for (const { conn, infos } of lists) {
      const valid = infos.filter((t) => t && typeof t.name === 'string' && t.name !== '');
      let sorted = [...valid].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (sorted.length > MAX_TOOLS_PER_SERVER) {
        problems.push(`MCP server "${conn.name}" offers ${sorted.length} tools; only the first ${MAX_TOOLS_PER_SERVER} by name are declared`);
        sorted = sorted.slice(0, MAX_TOOLS_PER_SERVER);
      }
      const names = mcpToolNames(conn.name, sorted.map((t) => t.name), taken);
      sorted.forEach((info, i) => tools.push(adaptTool(conn, info, names[i], this.opts)));
    }
    tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { tools, problems };
  }

  /**
   * The tools for one run: `shape(base then the MCP tools)` (the run's plan-mode filter, skills,
   * folder rules). When a server's tool list changes the MCP
   * part of the array is replaced in place, so agents started afterwards (and the next run)
   * declare the new list; an agent already running keeps its declared tools, and a call to a
   * tool that is gone gets the server's error.
   */
  async forRun(base: Tool[], signal: AbortSignal, shape: (tools: Tool[]) => Tool[] = (t) => t): Promise<McpRunTools> {
    if (!this.connections.size) return { tools: shape([...base]), problems: [], dispose: () => undefined };
    const { tools: mcp, problems } = await this.tools(signal);
    const tools = shape([...base, ...mcp]);
    const refresh = new AbortController();
    const update = () => {
      this.tools(refresh.signal).then(
        ({ tools: next }) => {
          if (!refresh.signal.aborted) tools.splice(0, tools.length, ...shape([...base, ...next]));
        },
        (err: Error) => this.opts.log.debug(`MCP tool list refresh failed: ${err.message}`),
      );
    };
    const offs = [...this.connections.values()].map(({ conn }) => conn.onToolsChanged(update));
    for (const p of problems) this.opts.log.warn(p);
    return {
      tools,
      problems,
      dispose: () => {
        refresh.abort();
        for (const off of offs) off();
      },
    };
  }

  /** Prompts of every server that offers them (servers that fail are skipped and logged; unconfirmed workspace servers are not started for this). */
  async prompts(signal: AbortSignal): Promise<{ server: string; prompt: McpPromptInfo }[]> {
    const out: { server: string; prompt: McpPromptInfo }[] = [];
    await Promise.all(
      [...this.connections.values()]
        // Listing commands does not ask to start a workspace server: its prompts appear once it runs.
        .filter(({ conn }) => conn.source !== 'workspace' || conn.state === 'ready')
        .map(async ({ conn }) => {
        try {
          for (const prompt of await conn.listPrompts(signal)) out.push({ server: conn.name, prompt });
        } catch (err) {
          signal.throwIfAborted();
          this.opts.log.warn(`MCP server "${conn.name}": prompts unavailable: ${(err as Error).message}`);
        }
      }),
    );
    return out.sort((a, b) => (a.server + '\0' + a.prompt.name < b.server + '\0' + b.prompt.name ? -1 : 1));
  }

  /** Stops every server (the backend is shutting down). */
  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map(({ conn }) => conn.close()));
  }
}
