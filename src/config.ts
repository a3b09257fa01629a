// VS Code settings + SecretStorage → the server's `ServerSettings` (server/protocol.ts).
// The API key lives only in SecretStorage (or MOONSHOT_API_KEY in the environment); it is never a
// setting and never logged.
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, State } from 'vscode-languageclient/node';
import { DEFAULT_SETTINGS, type ServerSettings } from '../server/protocol';
import type { Ctx } from './context';

export const SECTION = 'swarmcode';
export const API_KEY_SECRET = 'swarmcode.apiKey';

/** Reads settings from a `swarmcode` configuration section, falling back to the server defaults. */
export function readSettings(cfg: Pick<vscode.WorkspaceConfiguration, 'get'>): Omit<ServerSettings, 'apiKey'> {
  const d = DEFAULT_SETTINGS;
  const pick = <T>(key: string, fallback: T, ok: (v: unknown) => boolean): T => {
    const v = cfg.get<unknown>(key);
    return v !== undefined && v !== null && ok(v) ? (v as T) : fallback;
  };
  const isString = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  const isPosInt = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 1;
  const oneOf = (...values: string[]) => (v: unknown) => typeof v === 'string' && values.includes(v);
  return {
    baseUrl: pick<string>('baseUrl', d.baseUrl, isString).trim(),
    model: pick<string>('model', d.model, isString).trim(),
    thinking: pick('thinking', d.thinking, oneOf('auto', 'on', 'off')),
    concurrency: Math.floor(pick('concurrency', d.concurrency, isPosInt)),
    approval: pick('commandApproval', d.approval, oneOf('ask', 'allowlist', 'always')),
    allowlist: pick<string[]>('allowlist', d.allowlist, (v) => Array.isArray(v) && v.every((x) => typeof x === 'string')),
    maxSteps: Math.floor(pick('maxSteps', d.maxSteps, isPosInt)),
    maxRetries: Math.floor(pick('maxRetries', d.maxRetries, (v) => typeof v === 'number' && v >= 0)),
    logLevel: pick('logLevel', d.logLevel, oneOf('error', 'warn', 'info', 'debug')),
  };
}

/** True for Moonshot's hosted API, where a key is mandatory. */
export function needsApiKey(baseUrl: string): boolean {
  try {
    return /(^|\.)moonshot\.(ai|cn)$/.test(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

export class Config {
  private apiKey: string | undefined;
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
    return s;
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

/** Without the key: what the output channel may show about the settings. */
export function describe(s: ServerSettings): string {
  const { apiKey, ...rest } = s;
  return `${JSON.stringify(rest)} apiKey=${apiKey ? 'set' : 'not set'}`;
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
        .sendNotification(DidChangeConfigurationNotification.type, { settings: settings as Partial<ServerSettings> })
        .catch((err: unknown) => ctx.log(`could not send settings: ${String(err)}`));
    }),
  );
}
