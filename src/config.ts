// VS Code settings + SecretStorage → the server's `ServerSettings` (server/protocol.ts).
// The API key lives only in SecretStorage (or MOONSHOT_API_KEY in the environment); it is never a
// setting and never logged.
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, State } from 'vscode-languageclient/node';
import type { ServerSettings } from '../server/protocol';
import type { Ctx } from './context';
import { describe, readSettings } from './settings';

export { describe, needsApiKey, needsModelSetup, readSettings } from './settings';

export const SECTION = 'swarmcode';
export const API_KEY_SECRET = 'swarmcode.apiKey';

export class Config {
  private apiKey: string | undefined;
  /** The trusted workspace's .vscode/mcp.json text ('' when none or untrusted). */
  private workspaceMcp = '';
  private readonly changed = new vscode.EventEmitter<ServerSettings>();
  /** Fires with the full new settings after a settings or key change. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** Loads the API key; call before the first `current()`. */
  async load(): Promise<void> {
    this.apiKey = (await this.secrets.get(API_KEY_SECRET)) || process.env.MOONSHOT_API_KEY || undefined;
  }

  current(): ServerSettings {
    const s: ServerSettings = { ...readSettings(vscode.workspace.getConfiguration(SECTION)) };
    if (this.apiKey) s.apiKey = this.apiKey;
    s.mcpWorkspaceConfig = this.workspaceMcp;
    return s;
  }

  /** Sets the workspace's MCP configuration text (src/mcp.ts); a change is sent to the server. */
  setWorkspaceMcp(text: string): void {
    if (text === this.workspaceMcp) return;
    this.workspaceMcp = text;
    this.changed.fire(this.current());
  }

  hasApiKey(): boolean {
    return !!this.apiKey;
  }

  async setApiKey(key: string | undefined): Promise<void> {
    if (key) await this.secrets.store(API_KEY_SECRET, key);
    else await this.secrets.delete(API_KEY_SECRET);
    // secrets.onDidChange also fires; reloading twice is harmless.
    await this.reload();
  }

  async reload(): Promise<void> {
    await this.load();
    this.changed.fire(this.current());
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function register(ctx: Ctx): vscode.Disposable {
  const { config, client } = ctx;
  return vscode.Disposable.from(
    config,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) void config.reload();
    }),
    ctx.extension.secrets.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) void config.reload();
    }),
    config.onDidChange((settings) => {
      ctx.log(`settings changed: ${describe(settings)}`);
      if (client.state !== State.Running) return;
      client
        // A removed key is sent as '' (the server merges partial settings, so an absent field would keep the old key).
        .sendNotification(DidChangeConfigurationNotification.type, { settings: { ...settings, apiKey: settings.apiKey ?? '' } as Partial<ServerSettings> })
        .catch((err: unknown) => ctx.log(`could not send settings: ${String(err)}`));
    }),
  );
}
