// Which wire dialect an endpoint speaks for the thinking switch, and the per-model limits that go
// with it (context window, output cap). Resolution order: an explicit setting, then the preset
// the user picked or whose URL matches, then the host name; anything unknown is treated as a
// vLLM/SGLang-style server.
import { findPreset, PRESETS, type EndpointPreset } from './presets';

/**
 * How thinking on/off is sent:
 * - `moonshot`: `thinking: {type: "enabled"|"disabled"}` (Moonshot's API, Kimi Code);
 * - `vllm`: `chat_template_kwargs: {thinking: bool}` (vLLM, SGLang, llama-server with --jinja);
 * - `none`: no field at all (OpenAI, OpenRouter, Ollama, LM Studio: they never asked for one).
 */
export type Dialect = 'moonshot' | 'vllm' | 'none';
export type DialectSetting = Dialect | 'auto';

export const DIALECTS: readonly Dialect[] = ['moonshot', 'vllm', 'none'];

/** Moonshot's own CLI always sends 32,000; omitted, Moonshot applies a small default (its docs: "such as 1024"). */
export const MOONSHOT_DEFAULT_MAX_TOKENS = 32_768;
/** Kimi K2 / K2.5 context window (Moonshot's model list: 262,144 tokens). */
export const KIMI_CONTEXT_WINDOW = 262_144;
/** Used when neither a preset nor the endpoint says how large the window is. */
export const FALLBACK_CONTEXT_WINDOW = 131_072;

/** Dialect from the host alone: Moonshot's and Kimi Code's hosts, OpenAI and OpenRouter; else vLLM-style. */
export function detectDialect(baseUrl: string): Dialect {
  let host = '';
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return 'vllm';
  }
  if (/(^|\.)moonshot\.(ai|cn)$/.test(host) || host === 'api.kimi.com') return 'moonshot';
  if (host === 'api.openai.com' || host === 'openrouter.ai') return 'none';
  return 'vllm';
}

function presetDialect(p: EndpointPreset): Dialect | undefined {
  return p.dialect === 'raw_template' ? undefined : p.dialect;
}

export interface DialectInput {
  baseUrl: string;
  /** `auto` (or absent): derived; otherwise wins. */
  dialect?: DialectSetting;
  /** A preset id the user picked (CLI --preset, the VS Code provider picker). */
  preset?: string;
}

/** The dialect for an endpoint: explicit setting > chosen preset > preset matching the URL > host. */
export function resolveDialect(input: DialectInput): Dialect {
  if (input.dialect && input.dialect !== 'auto') return input.dialect;
  const chosen = input.preset ? PRESETS.find((p) => p.id === input.preset) : undefined;
  const fromPreset = chosen ? presetDialect(chosen) : undefined;
  if (fromPreset) return fromPreset;
  const byUrl = findPreset(input.baseUrl);
  const fromUrl = byUrl ? presetDialect(byUrl) : undefined;
  return fromUrl ?? detectDialect(input.baseUrl);
}

/** The context window a preset declares for a model (K2.5 ids on Moonshot-dialect presets: 262,144). */
export function presetContextWindow(baseUrl: string, model: string, preset?: string): number | undefined {
  const p = (preset ? PRESETS.find((x) => x.id === preset) : undefined) ?? findPreset(baseUrl);
  if (p?.contextWindow) return p.contextWindow;
  if (/kimi-k2(\.5|-|$)|kimi-for-coding|Kimi-K2/i.test(model)) return KIMI_CONTEXT_WINDOW;
  return undefined;
}

/**
 * The output cap sent as `max_tokens` on every request: the user's setting, else 32,768 on the
 * Moonshot dialect, else a quarter of the window (at most 32,768) for self-hosted servers. The
 * agent loop further clips it to what the context window has left for each request.
 */
export function defaultMaxOutputTokens(dialect: Dialect, contextWindow: number, setting?: number): number {
  if (setting && setting > 0) return Math.floor(setting);
  if (dialect === 'moonshot') return MOONSHOT_DEFAULT_MAX_TOKENS;
  return Math.max(1024, Math.min(MOONSHOT_DEFAULT_MAX_TOKENS, Math.floor(contextWindow / 4)));
}
