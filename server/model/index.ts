// Facade of the model layer: pick a ChatModel for the current settings.
import type { Logger } from '../log';
import type { ServerSettings } from '../protocol';
import { OpenAICompatibleModel } from './openai';
import { createLocalModel } from './llama';
import type { ChatModel } from './types';

export * from './types';
export { OpenAICompatibleModel, type OpenAICompatibleOptions } from './openai';
export { detectDialect, type Dialect } from './openai-request';

/** The model for `settings`: any OpenAI-compatible endpoint (Moonshot's API by default). */
export function createModel(settings: ServerSettings, log: Logger): ChatModel {
  if (settings.baseUrl.trim().toLowerCase() === 'local') return createLocalModel(settings, log); // embedded llama.cpp
  return new OpenAICompatibleModel({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    model: settings.model,
    maxRetries: settings.maxRetries,
    log,
  });
}
