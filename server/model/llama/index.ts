// Facade of the embedded engine: a ChatModel for `baseUrl: 'local'` settings.
import type { Logger } from '../../log';
import type { ServerSettings } from '../../protocol';
import type { ChatModel } from '../types';
import { LlamaEngine } from './engine';

export { LlamaEngine, type LlamaEngineOptions } from './engine';
export { disposeLocalModels, type LocalModelOptions } from './runtime';

const engines = new Map<string, LlamaEngine>();

/** One engine per (model, parallelism, context, GPU layers): settings changes reuse it. */
export function createLocalModel(settings: ServerSettings, log: Logger): ChatModel {
  const model = settings.localModelPath ?? process.env.SWARMCODE_MODEL_PATH;
  if (!model) throw new Error('baseUrl is "local" but no localModelPath is set (see `swarmcode doctor`).');
  const parallel = settings.localParallel ?? Math.max(1, Math.min(settings.concurrency, 8));
  const contextSize = settings.localContextSize;
  const gpuLayers = settings.localGpuLayers ?? 'auto';
  const key = JSON.stringify([model, parallel, contextSize ?? 'auto', gpuLayers]);
  let engine = engines.get(key);
  if (!engine) {
    engine = new LlamaEngine({ model, parallel, contextSize, gpuLayers, gpu: gpuLayers === 0 ? false : 'auto', log });
    engines.set(key, engine);
  }
  return engine;
}
