// Facade of the model layer: pick a ChatModel for the current settings.
import type { Logger } from '../log';
import { DEFAULT_SETTINGS, type ServerSettings } from '../protocol';
import { LOCAL_BASE_URL, normalizeUrl, resolveEndpoint } from './presets';
import { FALLBACK_CONTEXT_WINDOW, presetContextWindow, resolveDialect } from './dialect';
import { fetchContextWindow } from './models-meta';
import { OpenAICompatibleModel } from './openai';
import { createLocalModel } from './llama';
import { ModelError, type ChatModel } from './types';

export * from './types';
export { OpenAICompatibleModel, type OpenAICompatibleOptions } from './openai';
export { detectDialect, resolveDialect, type Dialect } from './dialect';

/**
 * The model for `settings`: any OpenAI-compatible endpoint (Moonshot's API by default), or the
 * embedded llama.cpp engine for `baseUrl: local` — also when Moonshot's default endpoint has no
 * key but a GGUF is configured or in the models folder. With neither, a ModelError says exactly
 * how to set one up.
 */
export function createModel(settings: ServerSettings, log: Logger, env: NodeJS.ProcessEnv = process.env, contextWindow?: number): ChatModel {
  if (settings.baseUrl.trim().toLowerCase() === LOCAL_BASE_URL) return createLocalModel(settings, log); // embedded llama.cpp
  if (!settings.apiKey && normalizeUrl(settings.baseUrl) === normalizeUrl(DEFAULT_SETTINGS.baseUrl)) {
    const decision = resolveEndpoint({ baseUrl: settings.baseUrl, model: settings.model, localModelPath: settings.localModelPath, baseUrlExplicit: false }, env);
    if (!decision.ok) throw new ModelError(decision.message, 401);
    if (decision.endpoint.kind === 'local') {
      log.info(`no API key for ${settings.baseUrl}: using the embedded engine with ${decision.endpoint.modelPath}`);
      return createLocalModel({ ...settings, baseUrl: LOCAL_BASE_URL, localModelPath: decision.endpoint.modelPath }, log);
    }
  }
  return new OpenAICompatibleModel({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    model: settings.model,
    maxRetries: settings.maxRetries,
    log,
    dialect: resolveDialect({ baseUrl: settings.baseUrl, dialect: settings.dialect, preset: settings.preset }),
    contextWindow: contextWindow ?? knownContextWindow(settings) ?? FALLBACK_CONTEXT_WINDOW,
    maxOutputTokens: settings.maxOutputTokens,
  });
}

/** The window the settings or a preset declare, without asking the endpoint. */
export function knownContextWindow(settings: ServerSettings): number | undefined {
  if (settings.contextWindow && settings.contextWindow > 0) return settings.contextWindow;
  return presetContextWindow(settings.baseUrl, settings.model, settings.preset);
}

/**
 * createModel for a run: where neither the settings nor a preset know the model's window, the
 * endpoint's `/models` metadata is asked (vLLM's max_model_len, OpenRouter's context_length, …).
 */
export async function createModelForRun(settings: ServerSettings, log: Logger, signal: AbortSignal): Promise<ChatModel> {
  let window = settings.baseUrl.trim().toLowerCase() === LOCAL_BASE_URL ? undefined : knownContextWindow(settings);
  if (window === undefined && settings.baseUrl.trim().toLowerCase() !== LOCAL_BASE_URL) {
    window = await fetchContextWindow(settings.baseUrl, settings.model, settings.apiKey, signal);
    log.info(window ? `context window of ${settings.model}: ${window} tokens (from ${settings.baseUrl}/models)` : `context window of ${settings.model} unknown: assuming ${FALLBACK_CONTEXT_WINDOW} tokens (set contextWindow to change it)`);
  }
  return createModel(settings, log, process.env, window);
}
