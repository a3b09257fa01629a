// The language client: spawns dist/server.js over IPC (DESIGN.md §2).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { describe, type Config } from './config';
import type { Ctx } from './context';

export const SERVER_MODULE = 'dist/server.js';

export function createClient(extension: vscode.ExtensionContext, output: vscode.LogOutputChannel, config: Config): LanguageClient {
  const module = extension.asAbsolutePath(SERVER_MODULE);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Every file: the server sees unsaved buffers of whatever the agent reads or edits.
    documentSelector: [{ scheme: 'file' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*') },
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // A function, so the settings (and key) read just before start() are the ones sent.
    initializationOptions: () => config.current(),
    errorHandler: restartingErrorHandler(output),
    initializationFailedHandler: (err) => {
      output.error(`SwarmCode server failed to initialize: ${String(err)}`);
      return false;
    },
  };
  return new LanguageClient('swarmcode', 'SwarmCode', serverOptions, clientOptions);
}

/** Restarts a server that died (a framing error makes it exit on purpose) and says so; gives up after 5 deaths in 3 minutes. */
export function restartingErrorHandler(output: vscode.LogOutputChannel, say = (m: string) => void vscode.window.showWarningMessage(m)): NonNullable<LanguageClientOptions['errorHandler']> {
  const deaths: number[] = [];
  return {
    // A read/write error: the server exits on its own (then closed() restarts it).
    error: (err) => {
      output.error(`SwarmCode server connection error: ${err.message}`);
      return { action: ErrorAction.Shutdown, handled: true };
    },
    closed: () => {
      const now = Date.now();
      deaths.push(now);
      while (deaths.length && now - deaths[0] > 3 * 60_000) deaths.shift();
      if (deaths.length > 5) {
        const message = 'SwarmCode: the server stopped 5 times in 3 minutes and will not be restarted. See the SwarmCode output; reload the window to try again.';
        output.error(message);
        say(message);
        return { action: CloseAction.DoNotRestart, handled: true };
      }
      const message = 'SwarmCode: the server stopped unexpectedly and was restarted. A running task was ended; its changes can be reviewed or undone.';
      output.warn(message);
      say(message);
      return { action: CloseAction.Restart, handled: true };
    },
  };
}

/** Starts the client; a server that fails to start is reported in the output channel, not thrown. */
export async function start(ctx: Ctx): Promise<boolean> {
  const module = ctx.extension.asAbsolutePath(SERVER_MODULE);
  try {
    await ctx.config.load();
    ctx.log(`starting server ${module} with ${describe(ctx.config.current())}`);
    if (!existsSync(module)) throw new Error(`${module} does not exist (run npm run build)`);
    await ctx.client.start();
    ctx.log('server started');
    return true;
  } catch (err) {
    ctx.log(`SwarmCode server did not start: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

export function register(ctx: Ctx): vscode.Disposable {
  ctx.chat.setReady(start(ctx));
  return new vscode.Disposable(() => {
    if (ctx.client.needsStop()) void ctx.client.stop(2000).catch(() => undefined);
  });
}
