// The CLI's side of the protocol: spawn `dist/server.js --stdio` and talk JSON-RPC to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { EnginesInfo, ServerSettings, SwarmInitializeResult } from '../server/protocol';
import { scrubEnv } from '../server/sandbox/env';

export interface ServerHandle {
  connection: MessageConnection;
  child: ChildProcess;
  /** Resolves with the exit code when the server process ends. */
  exited: Promise<number | null>;
  /** Lines the server wrote to stderr (kept for error reports). */
  stderr: string[];
  /** The search and symbols engines the server chose (its `initialize` result). */
  engines?: EnginesInfo;
  /**
   * Ends the session. Default: the shutdown request, `exit`, and waiting for the process (at most
   * ~3 s, then SIGKILL). `wait: false` (a one-shot CLI run whose result is already printed): sends
   * both and lets go of the process; the server exits on `exit` or when its stdin closes.
   */
  shutdown(opts?: { wait?: boolean }): Promise<void>;
}

/** dist/server.js next to this bundle (dist/cli.js); SWARMCODE_SERVER overrides it. */
export function serverPath(): string {
  const fromEnv = process.env.SWARMCODE_SERVER;
  if (fromEnv) return fromEnv;
  const candidate = join(__dirname, 'server.js');
  if (!existsSync(candidate)) throw new Error(`server bundle not found at ${candidate}; run \`npm run build\``);
  return candidate;
}

export async function startServer(
  /** The workspace folder, or several (a multi-root workspace: every one is a root). */
  workspace: string | string[],
  settings: Partial<ServerSettings>,
  /** initialized: false sends no `initialized` (the server then starts no index warm-up): for a probe of its `initialize` result. */
  opts: { serverPath?: string; env?: NodeJS.ProcessEnv; initialized?: boolean } = {},
): Promise<ServerHandle> {
  // SWARMCODE_SERVER_NODE_ARGS: extra Node flags for the server (e.g. --cpu-prof when profiling).
  const nodeArgs = (process.env.SWARMCODE_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // The server gets the key in the settings, never in its environment (children inherit from it).
  const env = opts.env ?? scrubEnv(process.env, { secretNames: settings.secretEnv, passthrough: settings.envPassthrough }).env;
  const folders = typeof workspace === 'string' ? [workspace] : workspace;
  if (!folders.length) throw new Error('startServer: no workspace folder');
  const child = spawn(process.execPath, [...nodeArgs, opts.serverPath ?? serverPath(), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], cwd: folders[0], env });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.listen();
  const died = exited.then((code) => {
    throw new Error(`the server exited during start-up (code ${code}): ${stderr.join('').slice(-2000)}`);
  });
  const init = await Promise.race([died, connection.sendRequest<Partial<SwarmInitializeResult> | null>('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(folders[0]).href,
    // One folder keeps the name it always had; several are named after their folders (the server makes names unique).
    workspaceFolders: folders.map((f) => ({ uri: pathToFileURL(f).href, name: folders.length === 1 ? 'workspace' : basename(f) })),
    capabilities: {},
    initializationOptions: settings,
  })]);
  died.catch(() => undefined);
  if (opts.initialized !== false) connection.sendNotification('initialized', {});
  return {
    connection,
    child,
    exited,
    stderr,
    engines: init?.capabilities?.experimental?.swarmcode?.engines,
    async shutdown({ wait = true } = {}) {
      if (!wait) {
        connection.sendRequest('shutdown').catch(() => undefined);
        connection.sendNotification('exit').catch(() => undefined);
        // Let the writes reach the pipe, then release it so this process can end now.
        await new Promise<void>((r) => (child.stdin!.writableLength ? child.stdin!.once('drain', () => r()) : r()));
        child.stdin!.end();
        child.stdout!.destroy();
        child.stderr!.destroy();
        child.unref();
        connection.dispose();
        return;
      }
      try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 1000))]);
        connection.sendNotification('exit');
      } catch {
        // the server may already be gone
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
    },
  };
}
