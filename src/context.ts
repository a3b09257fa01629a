// The object every feature receives (rust-analyzer `Ctx` style). Built once in extension.ts.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ChatController } from './chat/controller';
import type { Config } from './config';

export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  /** "SwarmCode" output channel: the server's window/logMessage lines and the extension's own. */
  readonly output: vscode.LogOutputChannel;
  readonly config: Config;
  /** Created at activation; started by the client feature. Handlers may be registered before start. */
  readonly client: LanguageClient;
  readonly chat: ChatController;
  log(message: string): void;
}

/** What every feature module exports. */
export interface Feature {
  register(ctx: Ctx): { dispose(): unknown };
}
