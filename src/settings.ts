// VS Code settings (the `swarmcode.*` section) → ServerSettings. No `vscode` import, so it is
// unit-testable in plain Node; src/config.ts feeds it the real configuration.
import { DEFAULT_SETTINGS, type PresetInfo, type ServerSettings } from '../server/protocol';

/** The one method of vscode.WorkspaceConfiguration used here. */
export interface SettingsSource {
  get<T>(key: string): T | undefined;
}

type Check = (v: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string' && v.trim() !== '';
const isPosInt: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isNonNegInt: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isBool: Check = (v) => typeof v === 'boolean';
const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const isStringList: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isPolicy = oneOf('ask', 'allowlist', 'always', 'never');
const isPolicyMap: Check = (v) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isPolicy);
const isObject: Check = (v) => !!v && typeof v === 'object' && !Array.isArray(v);
const isMcpPolicyMap: Check = (v) => isObject(v) && Object.values(v as object).every(oneOf('ask', 'always', 'never'));

/** VS Code setting (under `swarmcode.`) → ServerSettings field. Fields not listed keep the server default. */
export const SETTING_MAP: { setting: string; field: keyof ServerSettings; check: Check }[] = [
  { setting: 'baseUrl', field: 'baseUrl', check: isString },
  { setting: 'model', field: 'model', check: isString },
  { setting: 'thinking', field: 'thinking', check: oneOf('auto', 'on', 'off') },
  { setting: 'concurrency', field: 'concurrency', check: isPosInt },
  { setting: 'commandApproval', field: 'approval', check: oneOf('ask', 'allowlist', 'always', 'never') },
  { setting: 'toolApproval', field: 'toolApproval', check: isPolicyMap },
  { setting: 'allowlist', field: 'allowlist', check: isStringList },
  { setting: 'maxSteps', field: 'maxSteps', check: isPosInt },
  { setting: 'maxRetries', field: 'maxRetries', check: isNonNegInt },
  { setting: 'logLevel', field: 'logLevel', check: oneOf('error', 'warn', 'info', 'debug') },
  { setting: 'swarm', field: 'swarm', check: isBool },
  { setting: 'maxAgents', field: 'maxAgents', check: isPosInt },
  { setting: 'rpm', field: 'rpm', check: isNonNegInt },
  { setting: 'tpm', field: 'tpm', check: isNonNegInt },
  { setting: 'editPreview', field: 'editPreview', check: isBool },
  { setting: 'subagentWorktrees', field: 'subagentWorktrees', check: isBool },
  { setting: 'browserPath', field: 'browserPath', check: isString },
  { setting: 'sandbox.mode', field: 'sandbox', check: oneOf('auto', 'off') },
  { setting: 'allowNetwork', field: 'allowNetwork', check: isBool },
  { setting: 'shell', field: 'shell', check: (v) => isString(v) && !(v as string).includes('\0') && (v as string).length <= 4096 },
  { setting: 'sandbox.allowedHosts', field: 'allowedHosts', check: isStringList },
  { setting: 'sandbox.envPassthrough', field: 'envPassthrough', check: isStringList },
  { setting: 'localModelPath', field: 'localModelPath', check: isString },
  { setting: 'maxOutputTokens', field: 'maxOutputTokens', check: isPosInt },
  { setting: 'dialect', field: 'dialect', check: oneOf('auto', 'moonshot', 'vllm', 'none') },
  { setting: 'contextWindow', field: 'contextWindow', check: (v) => isPosInt(v) && (v as number) >= 1024 },
  { setting: 'preset', field: 'preset', check: isString },
  { setting: 'rules', field: 'rules', check: isString },
  { setting: 'localContextSize', field: 'localContextSize', check: (v) => isPosInt(v) && (v as number) >= 512 },
  // The server validates each server entry and reports the invalid ones.
  { setting: 'mcpServers', field: 'mcpServers', check: isObject },
  { setting: 'mcpApproval', field: 'mcpApproval', check: isMcpPolicyMap },
  { setting: 'budget.tokens', field: 'budgetTokens', check: isNonNegInt },
  { setting: 'budget.usd', field: 'budgetUsd', check: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 },
  { setting: 'swarm.confirmWidth', field: 'swarmConfirmWidth', check: isNonNegInt },
  { setting: 'mcpTimeoutMs', field: 'mcpTimeoutMs', check: (v) => isPosInt(v) && (v as number) >= 1000 },
];

/** Reads settings from a `swarmcode` configuration section; missing or invalid values get the server defaults. */
export function readSettings(cfg: SettingsSource): Omit<ServerSettings, 'apiKey'> {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  delete out.apiKey;
  for (const { setting, field, check } of SETTING_MAP) {
    const v = cfg.get<unknown>(setting);
    if (v !== undefined && v !== null && check(v)) out[field] = typeof v === 'string' ? v.trim() : v;
  }
  return out as Omit<ServerSettings, 'apiKey'>;
}

/** The `swarmcode.*` settings the provider picker writes for a preset (the dialect follows the preset: `auto`). */
export function settingsForPreset(p: Pick<PresetInfo, 'id' | 'baseUrl' | 'defaultModel'>): Record<string, string> {
  return { preset: p.id, baseUrl: p.baseUrl, model: p.defaultModel, dialect: 'auto' };
}

/** True for Moonshot's hosted API, where a key is mandatory. */
export function needsApiKey(baseUrl: string): boolean {
  try {
    return /(^|\.)moonshot\.(ai|cn)$/.test(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}

/**
 * True when a run failed because no model is usable: the server's "No model is configured…"
 * message (Moonshot's default endpoint without a key and no local GGUF), or an endpoint that
 * refused or asked for a key. The chat then offers "Set API Key".
 */
export function needsModelSetup(error: string | undefined): boolean {
  if (!error) return false;
  return /^\s*No model is configured/i.test(error) || /\bAPI key\b/i.test(error);
}

/** Without the key: what the output channel may show about the settings. */
export function describe(s: ServerSettings): string {
  const { apiKey, ...rest } = s;
  return `${JSON.stringify(rest)} apiKey=${apiKey ? 'set' : 'not set'}`;
}
