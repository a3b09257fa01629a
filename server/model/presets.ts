// Endpoint presets and the decision of which model a run uses (hosted / self-hosted endpoint, or
// the embedded llama.cpp engine with a local GGUF). No I/O except the injectable file checks.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ServerSettings } from '../protocol';

/** How thinking on/off is sent (see dialect.ts): Moonshot's `thinking` field, vLLM/SGLang `chat_template_kwargs`, none, or our raw template. */
export type PresetDialect = 'moonshot' | 'vllm' | 'none' | 'raw_template';

export interface EndpointPreset {
  id: string;
  label: string;
  /** OpenAI-compatible base URL (`local` = the embedded engine). */
  baseUrl: string;
  defaultModel: string;
  /** The wire dialect this endpoint speaks; wins over what the URL suggests. */
  dialect: PresetDialect;
  /** Context window of the default model in tokens, where known. */
  contextWindow?: number;
  /** Environment variable holding the key; absent when the server needs none by default. */
  apiKeyEnv?: string;
  keyRequired: boolean;
  /** Where the key or the model comes from, caveats; "(unverified)" marks what could not be checked. */
  notes: string;
  /** USD per 1M tokens of the default model, where the provider publishes them (the running cost and dollar budgets). */
  pricing?: { input: number; cachedInput: number; output: number };
}

/**
 * Kimi K2.5 on Moonshot's global API, USD per 1M tokens: input (cache miss) $0.60, cache hit
 * $0.10, output $3.00 — Moonshot's pricing page https://platform.moonshot.ai/docs/pricing/chat-k25
 * (the same figures as DESIGN.md §4). The China platform bills in CNY, so it has no USD prices here.
 */
export const KIMI_K25_USD = { input: 0.6, cachedInput: 0.1, output: 3.0 };

export const LOCAL_BASE_URL = 'local';
/** Environment variable naming a GGUF for the embedded engine. */
export const MODEL_PATH_ENV = 'SWARMCODE_MODEL_PATH';
/** Where `resolveEndpoint` looks for a GGUF when none is named. */
export const DEFAULT_MODELS_DIR = join(homedir(), '.cache', 'swarmcode', 'models');

export const PRESETS: EndpointPreset[] = [
  {
    id: 'moonshot',
    label: 'Moonshot AI (global)',
    baseUrl: 'https://api.moonshot.ai/v1',
    defaultModel: 'kimi-k2.5',
    dialect: 'moonshot',
    contextWindow: 262_144,
    apiKeyEnv: 'MOONSHOT_API_KEY',
    keyRequired: true,
    notes: 'Key from platform.moonshot.ai. Sampling is fixed server-side.',
    pricing: KIMI_K25_USD,
  },
  {
    id: 'moonshot-cn',
    label: 'Moonshot AI (China)',
    baseUrl: 'https://api.moonshot.cn/v1',
    defaultModel: 'kimi-k2.5',
    dialect: 'moonshot',
    contextWindow: 262_144,
    apiKeyEnv: 'MOONSHOT_API_KEY',
    keyRequired: true,
    notes: 'Key from platform.moonshot.cn (keys of the two regions are not interchangeable).',
  },
  {
    id: 'kimi-code',
    label: 'Kimi Code (Kimi For Coding plan)',
    baseUrl: 'https://api.kimi.com/coding/v1',
    defaultModel: 'kimi-for-coding',
    dialect: 'moonshot',
    contextWindow: 262_144,
    apiKeyEnv: 'KIMI_API_KEY',
    keyRequired: true,
    notes:
      'Base URL and model id as used by Kimi CLI configs; a coding-plan key, not a platform key. ' +
      'Reported to admit only approved coding agents by User-Agent (unverified).',
  },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    defaultModel: 'moonshotai/kimi-k2.5',
    dialect: 'none',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    keyRequired: true,
    notes: 'Model slug per openrouter.ai/models (unverified for K2.5); reasoning control varies by upstream provider.',
  },
  {
    id: 'vllm',
    label: 'vLLM',
    baseUrl: 'http://localhost:8000/v1',
    defaultModel: 'moonshotai/Kimi-K2.5',
    dialect: 'vllm',
    apiKeyEnv: 'VLLM_API_KEY',
    keyRequired: false,
    notes: '`vllm serve moonshotai/Kimi-K2.5 --tensor-parallel-size 8 --tool-call-parser kimi_k2 --enable-auto-tool-choice --reasoning-parser kimi_k2 --trust-remote-code`; see docs/serving.md.',
  },
  {
    id: 'sglang',
    label: 'SGLang',
    baseUrl: 'http://localhost:30000/v1',
    defaultModel: 'moonshotai/Kimi-K2.5',
    dialect: 'vllm',
    keyRequired: false,
    notes: '`python -m sglang.launch_server --model-path moonshotai/Kimi-K2.5 --tp 8 --tool-call-parser kimi_k2 --reasoning-parser kimi_k2 --trust-remote-code`; see docs/serving.md.',
  },
  {
    id: 'ollama',
    label: 'Ollama',
    baseUrl: 'http://localhost:11434/v1',
    defaultModel: 'kimi-k2.5:cloud',
    dialect: 'none',
    keyRequired: false,
    notes: 'Model tag must be one `ollama list` shows (the default tag is unverified).',
  },
  {
    id: 'lmstudio',
    label: 'LM Studio',
    baseUrl: 'http://localhost:1234/v1',
    defaultModel: 'local-model',
    dialect: 'none',
    keyRequired: false,
    notes: 'Use the model identifier LM Studio shows for the loaded model.',
  },
  {
    id: 'llamacpp',
    label: 'llama.cpp server',
    baseUrl: 'http://localhost:8080/v1',
    defaultModel: 'local-model',
    dialect: 'vllm',
    keyRequired: false,
    notes: '`llama-server -m kimi.gguf --jinja -np 8 -c 65536 --n-cpu-moe 50`; the model id is ignored by llama-server.',
  },
  {
    id: 'local',
    label: 'Embedded llama.cpp (local GGUF)',
    baseUrl: LOCAL_BASE_URL,
    defaultModel: 'local',
    dialect: 'raw_template',
    keyRequired: false,
    notes: `In-process node-llama-cpp; GGUF from the localModelPath setting or ${MODEL_PATH_ENV}.`,
  },
];

export function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

/** A preset by id, or by base URL (exact, ignoring case and trailing slashes). */
export function findPreset(idOrUrl: string): EndpointPreset | undefined {
  const key = normalizeUrl(idOrUrl);
  return PRESETS.find((p) => p.id === key || normalizeUrl(p.baseUrl) === key);
}

/** Loopback / private-network URLs (self-hosted servers) need no key by default. */
export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host) || /^10\./.test(host) || /^192\.168\./.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host) || host.endsWith('.local');
  } catch {
    return false;
  }
}

export type ResolvedEndpoint =
  | { kind: 'remote'; baseUrl: string; model: string; apiKey?: string; preset?: EndpointPreset }
  | { kind: 'local'; modelPath: string; reason: 'configured' | 'no-endpoint' };

export type EndpointDecision = { ok: true; endpoint: ResolvedEndpoint } | { ok: false; message: string };

export interface ResolveInput {
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  /** Env var the key is read from (CLI --api-key-env); defaults to the preset's. */
  apiKeyEnv?: string;
  localModelPath?: string;
  /** True when the user chose the base URL (flag or setting), not the built-in default. */
  baseUrlExplicit?: boolean;
}

export interface ResolveFs {
  exists(path: string): boolean;
  /** GGUF files in a directory (empty when it does not exist). */
  ggufsIn(dir: string): string[];
}

const realFs: ResolveFs = {
  exists: (p) => existsSync(p) && statSync(p).isFile(),
  ggufsIn: (dir) => {
    try {
      return readdirSync(dir)
        .filter((f) => f.toLowerCase().endsWith('.gguf'))
        .sort()
        .map((f) => join(dir, f));
    } catch {
      return [];
    }
  },
};

export const HOW_TO_CONFIGURE = (keyEnv: string) =>
  [
    'No model is configured. Pick one:',
    `  • Moonshot's API: export ${keyEnv}=sk-…   (key from https://platform.moonshot.ai; China: --base-url https://api.moonshot.cn/v1)`,
    '  • A self-hosted endpoint: --base-url http://HOST:8000/v1 --model moonshotai/Kimi-K2.5   (vLLM / SGLang / llama-server / Ollama; see docs/serving.md)',
    `  • A local GGUF on this machine: export ${MODEL_PATH_ENV}=/path/to/model.gguf   (or the swarmcode.localModelPath setting, or put it in ${DEFAULT_MODELS_DIR})`,
    '    get one on a machine with network access, e.g.: npx --no node-llama-cpp pull --dir ~/.cache/swarmcode/models hf:<user>/<repo>/<file>.gguf',
    '    (any GGUF works; Kimi K2/K2.5 GGUFs need hundreds of GB — smaller MoE models run on a laptop)',
    '  Then check it with: swarmcode doctor',
  ].join('\n');

/**
 * Which model a run uses. An explicit `local` base URL, or no usable endpoint (the default
 * Moonshot URL without a key) with a GGUF present, selects the embedded engine; a remote endpoint
 * needs its key unless it is self-hosted on a local/private address. Otherwise the message says
 * exactly how to configure one.
 */
export function resolveEndpoint(input: ResolveInput, env: NodeJS.ProcessEnv = process.env, fs: ResolveFs = realFs): EndpointDecision {
  const baseUrl = input.baseUrl?.trim() || PRESETS[0]!.baseUrl;
  const preset = findPreset(baseUrl);
  const keyEnv = input.apiKeyEnv ?? preset?.apiKeyEnv ?? 'MOONSHOT_API_KEY';
  const apiKey = input.apiKey || env[keyEnv] || undefined;

  const gguf = (): string | undefined => {
    const named = input.localModelPath || env[MODEL_PATH_ENV];
    if (named) return named;
    return fs.ggufsIn(DEFAULT_MODELS_DIR)[0];
  };
  const localCheck = (path: string, reason: 'configured' | 'no-endpoint'): EndpointDecision => {
    if (/^(hf:|huggingface:|https?:)/.test(path) || fs.exists(path)) return { ok: true, endpoint: { kind: 'local', modelPath: path, reason } };
    return { ok: false, message: `The local model ${path} does not exist.\n${HOW_TO_CONFIGURE(keyEnv)}` };
  };

  if (normalizeUrl(baseUrl) === LOCAL_BASE_URL) {
    const path = gguf();
    return path ? localCheck(path, 'configured') : { ok: false, message: `The embedded engine was chosen (base URL "local") but no GGUF is set.\n${HOW_TO_CONFIGURE(keyEnv)}` };
  }
  try {
    new URL(baseUrl);
  } catch {
    return { ok: false, message: `"${baseUrl}" is not a URL. Use e.g. https://api.moonshot.ai/v1, http://localhost:8000/v1, or "local".` };
  }
  const model = input.model || preset?.defaultModel || 'kimi-k2.5';
  const needsKey = preset ? preset.keyRequired : !isLocalUrl(baseUrl);
  if (apiKey || !needsKey) return { ok: true, endpoint: { kind: 'remote', baseUrl, model, apiKey, preset } };
  // A keyless default endpoint: fall back to a local GGUF when one is present.
  if (!input.baseUrlExplicit) {
    const path = gguf();
    if (path && (fs.exists(path) || /^(hf:|huggingface:|https?:)/.test(path))) return { ok: true, endpoint: { kind: 'local', modelPath: path, reason: 'no-endpoint' } };
    return { ok: false, message: HOW_TO_CONFIGURE(keyEnv) };
  }
  return {
    ok: false,
    message: `${preset?.label ?? baseUrl} needs an API key: set ${keyEnv} (or pass --api-key-env NAME).${preset ? ` ${preset.notes}` : ''}`,
  };
}

/** Settings for the server once an endpoint is resolved. */
export function applyEndpoint(settings: ServerSettings, endpoint: ResolvedEndpoint): ServerSettings {
  if (endpoint.kind === 'local') return { ...settings, baseUrl: LOCAL_BASE_URL, model: 'local', apiKey: undefined, localModelPath: endpoint.modelPath };
  return { ...settings, baseUrl: endpoint.baseUrl, model: endpoint.model, apiKey: endpoint.apiKey };
}
