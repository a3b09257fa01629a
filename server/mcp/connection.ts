// One MCP server connection on the official SDK: started lazily, restarted after a crash (at most
// MAX_CRASHES a minute, then reported broken), stderr to the log, tools/list_changed honoured,
// every request bounded by a timeout and the caller's AbortSignal.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log';
import { describeServer, substitute, type McpServerEntry } from './config';
import { isMcpError, loadMcpSdk, type McpSdk } from './sdk';

export interface McpToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  /** spec 2025-06-18 ToolAnnotations: hints, untrusted unless the server is. */
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean; title?: string };
}

export interface McpPromptInfo {
  name: string;
  title?: string;
  description?: string;
  arguments?: { name: string; description?: string; required?: boolean }[];
}

export interface McpConnectionOptions {
  entry: McpServerEntry;
  /** The workspace folder: ${workspaceFolder}, and the default cwd of stdio servers. */
  root: string;
  log: Logger;
  /** Asked before the first start of a server from the workspace's .vscode/mcp.json; false refuses it. */
  confirmStart?(entry: McpServerEntry, signal: AbortSignal): Promise<boolean>;
  /** Limit on connecting (spawn + initialize), ms. */
  startTimeoutMs?: number;
  /** The environment stdio servers start from (the sandbox's scrubbed one); absent: only the SDK's safe variables. */
  baseEnv?(): NodeJS.ProcessEnv;
}

/** An MCP server that cannot be used now (failed to start, refused, crashed too often). */
export class McpUnavailableError extends Error {
  override name = 'McpUnavailableError';
}

/**
 * tools/list checked item by item instead of by the SDK's ListToolsResultSchema, which rejects the
 * whole list for one malformed tool: a tool without a name is dropped, a broken schema is
 * replaced where it is declared (adapter.ts), the server's other tools stay usable.
 */
const LENIENT_TOOL_LIST = z.object({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });

function isToolInfo(t: unknown): t is McpToolInfo {
  return !!t && typeof t === 'object' && typeof (t as McpToolInfo).name === 'string' && (t as McpToolInfo).name !== '';
}

/** stdio server processes alive now: terminated when this process exits without a shutdown. */
const livePids = new Set<number>();
let exitHook = false;
function track(pid: number | null): () => void {
  if (pid === null) return () => undefined;
  livePids.add(pid);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const p of livePids) {
        try {
          process.kill(p, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    });
  }
  return () => livePids.delete(pid);
}

const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 60_000;
/** After a failed start, calls fail fast for this long before the next try. */
const RETRY_AFTER_MS = 30_000;
const MAX_STDERR_LINE = 2000;

export type McpState = 'idle' | 'starting' | 'ready' | 'broken' | 'stopped';

export class McpConnection {
  readonly name: string;
  private client?: Client;
  private starting?: Promise<Client>;
  private toolsCache?: Promise<McpToolInfo[]>;
  private promptsCache?: Promise<McpPromptInfo[]>;
  private crashes: number[] = [];
  private failedAt = 0;
  private confirmed: boolean | undefined;
  private stopped = false;
  private readonly listeners = new Set<() => void>();
  private readonly lifetime = new AbortController();
  /** Why the server is unusable, when it is. */
  lastError?: string;
  /** Times the process/session was (re)started; for tests and the log. */
  starts = 0;

  constructor(private readonly opts: McpConnectionOptions) {
    this.name = opts.entry.name;
  }

  /** Where its configuration came from (a workspace server needs the user's yes before it starts). */
  get source(): McpServerEntry['source'] {
    return this.opts.entry.source;
  }

  get state(): McpState {
    if (this.stopped) return 'stopped';
    if (this.client) return 'ready';
    if (this.starting) return 'starting';
    return this.lastError ? 'broken' : 'idle';
  }

  /** Called after the server's tool list changed (notifications/tools/list_changed, or a restart). */
  onToolsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The connected client, starting the server first when needed. */
  async connect(signal: AbortSignal): Promise<Client> {
    if (this.stopped) throw new McpUnavailableError(`MCP server "${this.name}" has been stopped`);
    if (this.client) return this.client;
    if (!this.starting) {
      if (this.lastError && Date.now() - this.failedAt < RETRY_AFTER_MS) throw new McpUnavailableError(this.lastError);
      // The start belongs to the connection, not to the first caller: a caller that gives up
      // stops waiting, the others still get the server.
      this.starting = this.start(this.lifetime.signal).finally(() => (this.starting = undefined));
    }
    return abortable(this.starting, signal);
  }

  async listTools(signal: AbortSignal): Promise<McpToolInfo[]> {
    const client = await this.connect(signal);
    if (!client.getServerCapabilities()?.tools) return [];
    this.toolsCache ??= paginate((cursor) => withChild(this.lifetime.signal, (s) => client.request({ method: 'tools/list', params: cursor ? { cursor } : {} }, LENIENT_TOOL_LIST, { signal: s })), (r) => r.tools.filter(isToolInfo)).catch((err) => {
      this.toolsCache = undefined;
      throw err;
    });
    return abortable(this.toolsCache, signal);
  }

  async listPrompts(signal: AbortSignal): Promise<McpPromptInfo[]> {
    const client = await this.connect(signal);
    if (!client.getServerCapabilities()?.prompts) return [];
    this.promptsCache ??= paginate((cursor) => withChild(this.lifetime.signal, (s) => client.listPrompts(cursor ? { cursor } : {}, { signal: s })), (r) => r.prompts as McpPromptInfo[]).catch((err) => {
      this.promptsCache = undefined;
      throw err;
    });
    return abortable(this.promptsCache, signal);
  }

  async getPrompt(name: string, args: Record<string, string>, signal: AbortSignal, timeoutMs: number) {
    const client = await this.connect(signal);
    return withChild(signal, (s) => client.getPrompt({ name, arguments: args }, { signal: s, timeout: timeoutMs }));
  }

  /** tools/call; rejects with McpError(RequestTimeout) past `timeoutMs`, ConnectionClosed when the server dies. */
  async callTool(name: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
    const client = await this.connect(signal);
    try {
      return await withChild(signal, (s) => client.callTool({ name, arguments: args }, undefined, { signal: s, timeout: timeoutMs, resetTimeoutOnProgress: false }));
    } catch (err) {
      // Not an MCP answer but a transport failure (an HTTP server restarted and forgot the
      // session, a refused connection): the next call connects afresh.
      if (!signal.aborted && !isMcpError(err)) this.drop(client, (err as Error).message);
      throw err;
    }
  }

  private drop(client: Client, why: string): void {
    if (this.client !== client) return;
    this.opts.log.warn(`MCP server "${this.name}": ${why}; reconnecting on next use`);
    this.client = undefined;
    this.toolsCache = undefined;
    this.promptsCache = undefined;
    void client.close().catch(() => undefined);
  }

  /** Stops the server for good (the backend is shutting down). */
  async close(): Promise<void> {
    this.stopped = true;
    this.lifetime.abort();
    const client = this.client ?? (await this.starting?.catch(() => undefined));
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  private async start(signal: AbortSignal): Promise<Client> {
    const { entry, log } = this.opts;
    if (entry.source === 'workspace' && this.confirmed === undefined) {
      if (!this.opts.confirmStart) this.confirmed = false;
      else this.confirmed = await this.opts.confirmStart(entry, signal);
    }
    if (entry.source === 'workspace' && !this.confirmed) {
      this.lastError = `MCP server "${this.name}" from .vscode/mcp.json was not started: the user did not allow it`;
      this.failedAt = Number.POSITIVE_INFINITY;
      throw new McpUnavailableError(this.lastError);
    }
    const config = substitute(entry.config, this.opts.root);
    const timeout = AbortSignal.timeout(this.opts.startTimeoutMs ?? 30_000);
    log.info(`MCP server "${this.name}": starting ${describeServer(config)}`);
    try {
      const client = await this.open(config, AbortSignal.any([signal, timeout]));
      this.starts++;
      this.client = client;
      this.lastError = undefined;
      this.toolsCache = undefined;
      this.promptsCache = undefined;
      if (this.starts > 1) this.changed();
      return client;
    } catch (err) {
      const why = timeout.aborted ? `did not answer initialize within ${this.opts.startTimeoutMs ?? 30_000} ms` : (err as Error).message;
      if (!signal.aborted || timeout.aborted) {
        this.lastError = `MCP server "${this.name}" failed to start: ${why}`;
        this.failedAt = Date.now();
        log.warn(this.lastError);
      }
      throw signal.aborted && !timeout.aborted ? err : new McpUnavailableError(this.lastError ?? why);
    }
  }

  private async open(config: ReturnType<typeof substitute>, signal: AbortSignal): Promise<Client> {
    const sdk = await loadMcpSdk();
    const { StdioClientTransport, getDefaultEnvironment, SSEClientTransport, StreamableHTTPClientTransport } = sdk;
    if (config.type === 'stdio') {
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args ?? [],
        // The sandbox's scrubbed environment (secret-looking names and the provider key removed;
        // without one, the SDK's short list of safe variables) plus the server's own `env`.
        env: { ...definedOnly(this.opts.baseEnv?.() ?? getDefaultEnvironment()), ...(config.env ?? {}) },
        cwd: config.cwd ? resolve(this.opts.root, config.cwd) : this.opts.root,
        stderr: 'pipe',
      });
      this.pipeStderr(transport);
      const client = await this.handshake(sdk, transport, signal);
      const untrack = track(transport.pid);
      const onclose = client.onclose;
      client.onclose = () => {
        untrack();
        onclose?.();
      };
      return client;
    }
    const url = new URL(config.url);
    const requestInit = config.headers ? { headers: config.headers } : undefined;
    if (config.type === 'sse') return this.handshake(sdk, new SSEClientTransport(url, { requestInit }), signal);
    try {
      return await this.handshake(sdk, new StreamableHTTPClientTransport(url, { requestInit }), signal);
    } catch (err) {
      if (signal.aborted) throw err;
      // Backwards compatibility (spec 2025-06-18, basic/transports): a server that refuses the
      // streamable HTTP POST may be a legacy HTTP+SSE server.
      this.opts.log.info(`MCP server "${this.name}": streamable HTTP failed (${(err as Error).message}); trying legacy SSE`);
      return this.handshake(sdk, new SSEClientTransport(url, { requestInit }), signal);
    }
  }

  private async handshake(sdk: McpSdk, transport: Transport, signal: AbortSignal): Promise<Client> {
    const { ToolListChangedNotificationSchema, PromptListChangedNotificationSchema } = sdk.types;
    const client = new sdk.Client({ name: 'swarmcode', version: '0.1.0' }, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      this.opts.log.info(`MCP server "${this.name}": tool list changed`);
      this.toolsCache = undefined;
      this.changed();
    });
    client.setNotificationHandler(PromptListChangedNotificationSchema, async () => {
      this.promptsCache = undefined;
    });
    client.onerror = (err) => this.opts.log.debug(`MCP server "${this.name}": ${err.message}`);
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.toolsCache = undefined;
      this.promptsCache = undefined;
      if (this.stopped) return;
      const now = Date.now();
      this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
      if (this.crashes.length >= MAX_CRASHES) {
        this.lastError = `MCP server "${this.name}" stopped ${this.crashes.length} times within a minute; not restarting it for now`;
        this.failedAt = now;
        this.opts.log.warn(this.lastError);
      } else this.opts.log.warn(`MCP server "${this.name}" stopped unexpectedly; it restarts on next use`);
    };
    try {
      await client.connect(transport, { signal, timeout: this.opts.startTimeoutMs ?? 30_000 });
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    const info = client.getServerVersion();
    this.opts.log.info(`MCP server "${this.name}" ready${info ? ` (${info.name} ${info.version})` : ''}`);
    return client;
  }

  private pipeStderr(transport: StdioClientTransport): void {
    const stream = transport.stderr;
    if (!stream) return;
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (pending.length > MAX_STDERR_LINE) lines.push(pending), (pending = '');
      for (const line of lines) if (line.trim()) this.opts.log.info(`[mcp ${this.name}] ${line.slice(0, MAX_STDERR_LINE)}`);
    });
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** True when `err` means the connection closed under a request (the server crashed or exited). */
export function isConnectionClosed(err: unknown): boolean {
  return isMcpError(err, 'ConnectionClosed');
}

export function isTimeout(err: unknown): boolean {
  return isMcpError(err, 'RequestTimeout');
}

async function paginate<R extends { nextCursor?: string }, T>(page: (cursor?: string) => Promise<R>, items: (r: R) => T[]): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  // A server that never stops paginating is cut off rather than looped on.
  for (let i = 0; i < 100; i++) {
    const r = await page(cursor);
    out.push(...items(r));
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  return out;
}

/**
 * Runs `fn` with a signal of its own that follows `signal`: the SDK never removes the abort
 * listener it adds per request, so long-lived signals (an agent's, the connection's) would
 * collect one per call.
 */
async function withChild<T>(signal: AbortSignal, fn: (s: AbortSignal) => Promise<T>): Promise<T> {
  const child = new AbortController();
  const onAbort = () => child.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(child.signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' }));
  return new Promise<T>((res, rej) => {
    const onAbort = () => rej(signal.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' }));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), res(v)),
      (e) => (signal.removeEventListener('abort', onAbort), rej(e)),
    );
  });
}
