// Thin client (DESIGN.md §5.1): build the context, start the language client, register features.
import * as vscode from 'vscode';
import * as approval from './approval';
import { ChatController } from './chat/controller';
import { ConversationStore } from './chat/store';
import * as chatView from './chat/view';
import * as client from './client';
import * as commands from './commands';
import * as visual from './visual';
import * as agents from './agents';
import * as codeActions from './codeActions';
import * as refactor from './refactor';
import * as review from './review';
import * as config from './config';
import * as mcp from './mcp';
import * as shortcuts from './shortcuts';
import * as nativeChat from './nativeChat';
import type { Ctx, Feature } from './context';

/** Each feature exports `register(ctx): Disposable`. Add new features (e.g. ./visual) here. */
const FEATURES: Feature[] = [config, mcp, approval, chatView, commands, visual, agents, review, refactor, codeActions, shortcuts, nativeChat, client];

export function activate(extension: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('SwarmCode', { log: true });
  const log = (message: string) => output.info(message);
  const cfg = new config.Config(extension.secrets);
  const languageClient = client.createClient(extension, output, cfg);
  const chat = new ChatController(new ConversationStore(extension.workspaceState), languageClient, cfg, log, approval.revealQueue);
  const ctx: Ctx = { extension, output, config: cfg, client: languageClient, chat, log };
  extension.subscriptions.push(output, chat);
  for (const feature of FEATURES) {
    try {
      extension.subscriptions.push(feature.register(ctx));
    } catch (err) {
      log(`feature failed to register: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
}

export function deactivate(): void {
  // Disposables in context.subscriptions stop the client and flush state.
}
