// Loading llama.cpp through node-llama-cpp: one Llama runtime per process (CPU or GPU picked
// automatically from the prebuilt binaries that ship as npm optional packages; nothing is
// downloaded or compiled), and loaded models cached by path so settings changes do not reload.
import { availableParallelism, loadavg } from 'node:os';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import type { Logger } from '../../log';

/** What node-llama-cpp 3.x exposes that matters for mixture-of-experts models. */
export interface LocalModelOptions {
  /** A GGUF path, or an `hf:` / `https:` URI (needs a network; downloaded to `modelsDir`). */
  model: string;
  modelsDir?: string;
  /** `'auto'` (default) picks CUDA, Vulkan or Metal when present, else CPU; `false` forces CPU. */
  gpu?: 'auto' | false;
  /**
   * Layers offloaded to the GPU. `'auto'` fits as many as free VRAM allows; a number keeps the
   * rest (attention and all their experts) in system RAM. node-llama-cpp 3.22 has no per-tensor
   * override, so "experts on CPU, attention on GPU" (llama.cpp's `--n-cpu-moe` / `-ot exps=CPU`)
   * needs llama-server; see docs/serving.md.
   */
  gpuLayers?: 'auto' | 'max' | number;
  /** Memory-map the GGUF (default on): expert weights are paged in from disk as routed. */
  useMmap?: boolean;
  /** Read tensors on demand (with mmap): large expert tensors are not all read at load. */
  lazyMode?: 'auto' | boolean;
  flashAttention?: 'auto' | boolean;
  /** KV-cache quantisation, e.g. 'Q8_0', to fit more parallel sequences. */
  kvCacheType?: 'F16' | 'Q8_0' | 'Q4_0';
  threads?: number;
}

type NodeLlamaCpp = typeof import('node-llama-cpp');

let modulePromise: Promise<NodeLlamaCpp> | undefined;
const llamaPromises = new Map<string, Promise<Llama>>();
const models = new Map<string, Promise<LlamaModel>>();

/** node-llama-cpp is ESM-only: a dynamic import (esbuild keeps `import()` of an external in the CJS bundle). */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  modulePromise ??= import('node-llama-cpp');
  return modulePromise;
}

export async function getRuntime(gpu: 'auto' | false = 'auto', log?: Logger): Promise<Llama> {
  const key = String(gpu);
  let p = llamaPromises.get(key);
  if (!p) {
    p = (async () => {
      const m = await loadNodeLlamaCpp();
      const llama = await m.getLlama({
        gpu,
        // Only the prebuilt binaries from npm: never download or compile llama.cpp at run time.
        build: 'never',
        logLevel: m.LlamaLogLevel.warn,
        logger: (level, message) => {
          const line = message.trimEnd();
          if (!line) return;
          if (level === m.LlamaLogLevel.error || level === m.LlamaLogLevel.fatal) log?.error(`llama.cpp: ${line}`);
          else log?.debug(`llama.cpp: ${line}`);
        },
      });
      log?.info(`llama.cpp runtime: ${llama.gpu || 'cpu'} (${llama.buildType} binaries)`);
      return llama;
    })();
    llamaPromises.set(key, p);
    p.catch(() => llamaPromises.delete(key));
  }
  return p;
}

async function resolvePath(opts: LocalModelOptions): Promise<string> {
  if (!/^(hf:|huggingface:|https?:)/.test(opts.model)) return opts.model;
  const m = await loadNodeLlamaCpp();
  return m.resolveModelFile(opts.model, { directory: opts.modelsDir, cli: false });
}

export async function loadLocalModel(opts: LocalModelOptions, log?: Logger, signal?: AbortSignal): Promise<LlamaModel> {
  const key = JSON.stringify([opts.model, opts.gpu ?? 'auto', opts.gpuLayers ?? 'auto', opts.useMmap ?? true, opts.lazyMode ?? false]);
  let p = models.get(key);
  if (!p) {
    p = (async () => {
      const llama = await getRuntime(opts.gpu ?? 'auto', log);
      const modelPath = await resolvePath(opts);
      const model = await llama.loadModel({
        modelPath,
        gpuLayers: opts.gpuLayers ?? 'auto',
        useMmap: opts.useMmap ?? true,
        lazyMode: opts.lazyMode ?? false,
        defaultContextFlashAttention: opts.flashAttention ?? 'auto',
        ...(opts.kvCacheType
          ? { experimentalDefaultContextKvCacheKeyType: opts.kvCacheType, experimentalDefaultContextKvCacheValueType: opts.kvCacheType }
          : {}),
        loadSignal: signal,
      });
      log?.info(`loaded ${modelPath} (${model.fileInfo.metadata.general.architecture}, ${model.gpuLayers} GPU layers)`);
      return model;
    })();
    models.set(key, p);
    p.catch(() => models.delete(key));
  }
  return p;
}

/** Unloads every cached model (tests, shutdown). */
export async function disposeLocalModels(): Promise<void> {
  const all = [...models.values()];
  models.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.dispose()));
}

/** True when the GGUF's vocabulary has Kimi's chat special tokens (Kimi K2 / K2.5 GGUFs). */
export function hasKimiVocabulary(model: LlamaModel): boolean {
  const tokens = (model.fileInfo.metadata.tokenizer as { ggml?: { tokens?: readonly string[] } } | undefined)?.ggml?.tokens;
  if (tokens) return tokens.includes('<|im_middle|>') && tokens.includes('<|tool_call_begin|>');
  return ['<|im_middle|>', '<|tool_call_begin|>'].every((t) => model.tokenize(t, true).length === 1);
}

/**
 * Threads for a context when none are set: the math (physical) cores that are not already busy
 * (load average), at least one. node-llama-cpp's own default is max(4, cores) on a CPU build:
 * llama.cpp's threads spin at every barrier, so more threads than free cores turns each decode
 * step into a wait for a descheduled thread (bench/model/run.ts measures it).
 */
export function defaultThreads(llama: Llama): number {
  const cores = Math.max(1, llama.cpuMathCores || availableParallelism());
  const idle = Math.round(availableParallelism() - loadavg()[0]!);
  return Math.max(1, Math.min(cores, idle));
}

/**
 * How this GGUF declares tools: Kimi K2.5's chat template renders `tools_ts_str`
 * (TypeScript-style); K2 / K2-Thinking templates only know the JSON list. Without an embedded
 * template, K2.5's form.
 */
export function kimiToolFormat(model: LlamaModel): 'typescript' | 'json' {
  const template = (model.fileInfo.metadata.tokenizer as { chat_template?: unknown } | undefined)?.chat_template;
  if (typeof template !== 'string') return 'typescript';
  return template.includes('tools_ts_str') || !template.includes('tool_declare') ? 'typescript' : 'json';
}
