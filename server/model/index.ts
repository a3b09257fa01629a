// Facade of the model layer: pick a ChatModel for the current settings.
import type { Logger } from '../log';
import { DEFAULT_SETTINGS, type ServerSettings } from '../protocol';
import { LOCAL_BASE_URL, normalizeUrl, resolveEndpoint } from './presets';
import { OpenAICompatibleModel } from './openai';
import { createLocalModel } from './llama';
import { ModelError, type ChatModel } from './types';

export * from './types';
export { OpenAICompatibleModel, type OpenAICompatibleOptions } from './openai';
export { detectDialect, type Dialect } from './openai-request';

/**
 * The model for `settings`: any OpenAI-compatible endpoint (Moonshot's API by default), or the
 * embedded llama.cpp engine for `baseUrl: local` — also when Moonshot's default endpoint has no
 * key but a GGUF is configured or in the models folder. With neither, a ModelError says exactly
 * how to set one up.
 */
export function createModel(settings: ServerSettings, log: Logger, env: NodeJS.ProcessEnv = process.env): ChatModel {
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
  });
}
