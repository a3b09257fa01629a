// The embedded engine: a ChatModel backed by llama.cpp in-process (node-llama-cpp). One model is
// loaded once; every concurrent stream (the orchestrator and its sub-agents) leases one of N
// context sequences of a single context, so their decode steps share batches. Kimi-vocabulary
// GGUFs use the Kimi raw template and parser (server/model/kimi-*.ts); anything else goes through
// node-llama-cpp's chat wrappers.
import type { Llama, LlamaModel } from 'node-llama-cpp';
import type { Logger } from '../../log';
import { abortError } from '../retry';
import { nextToolCallIndex, renderKimiPrompt, type KimiToolFormat } from '../kimi-template';
import { ModelError, type ChatModel, type ModelEvent, type ModelLimits, type ModelRequest } from '../types';
import { GrammarCache } from './grammars';
import { kimiTurn } from './kimi-generate';
import { defaultThreads, getRuntime, loadNodeLlamaCpp, hasKimiVocabulary, kimiToolFormat, loadLocalModel, type LocalModelOptions } from './runtime';
import { SequencePool } from './sequences';
import { wrapperTurn } from './wrapper-generate';

export interface LlamaEngineOptions extends LocalModelOptions {
  /** Parallel sequences (= sub-agents decoded together). Default 4. */
  parallel?: number;
  /**
   * Tokens of context per sequence. Default: the most that fits the machine's free memory (RAM or
   * VRAM) between DEFAULT_CONTEXT.min and DEFAULT_CONTEXT.max, capped by the model's trained
   * length; a number is taken as is (capped by the trained length).
   */
  contextSize?: number;
  /** Tokens per decode batch (node-llama-cpp's default: 512). */
  batchSize?: number;
  /** Default max new tokens per turn when the request sets none. Default 2048. */
  maxTokens?: number;
  /** Sampling; defaults follow Kimi's guidance (1.0 thinking / 0.6 instant, top_p 0.95). */
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  /** 'required' forces a tool call each turn (Kimi path); default 'auto'. */
  toolChoice?: 'auto' | 'required' | 'none';
  /** Force the template: 'kimi' or node-llama-cpp's 'wrapper'; default detects Kimi's vocabulary. */
  template?: 'auto' | 'kimi' | 'wrapper';
  log?: Logger;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  pool: SequencePool;
  grammars: GrammarCache;
  kimi: boolean;
  toolFormat: KimiToolFormat;
}

/** Context per sequence when none is set: room for a run's first prompt (system + tools + repo map) and its growth. */
export const DEFAULT_CONTEXT = { min: 16384, max: 32768 } as const;

export class LlamaEngine implements ChatModel {
  readonly id: string;
  private loaded?: Promise<Loaded>;
  private contextSize?: number;

  /** The agent compacts against this: the context of one sequence (before loading: the smallest it may get). */
  get limits(): ModelLimits {
    const window = this.contextSize ?? this.options.contextSize ?? DEFAULT_CONTEXT.min;
    return { contextWindow: window, maxOutputTokens: Math.min(this.options.maxTokens ?? 2048, Math.floor(window / 4)) };
  }

  constructor(readonly options: LlamaEngineOptions) {
    this.id = `local:${options.model.split(/[\\/]/).pop()}`;
  }

  /** Loads the model and creates the sequence pool (idempotent; `stream` calls it). */
  load(signal?: AbortSignal): Promise<Loaded> {
    if (!this.loaded) {
      const o = this.options;
      this.loaded = (async () => {
        const llama = await getRuntime(o.gpu ?? 'auto', o.log);
        const model = await loadLocalModel(o, o.log, signal);
        const trained = model.trainContextSize || Infinity;
        const sequences = Math.max(1, o.parallel ?? 4);
        const threads = o.threads ?? defaultThreads(llama);
        let pool: SequencePool;
        try {
          pool = await SequencePool.create(model, {
            sequences,
            contextSize: o.contextSize
              ? Math.min(o.contextSize, trained)
              : { min: Math.min(DEFAULT_CONTEXT.min, trained), max: Math.min(DEFAULT_CONTEXT.max, trained) },
            batchSize: o.batchSize,
            threads,
            flashAttention: o.flashAttention,
          });
        } catch (err) {
          if (!(err instanceof (await loadNodeLlamaCpp()).InsufficientMemoryError)) throw err;
          const asked = o.contextSize ?? Math.min(DEFAULT_CONTEXT.min, trained);
          throw new Error(`${sequences} sequences of ${asked} tokens of context do not fit this machine's free memory (${(err as Error).message}); lower --context-size / localContextSize or localParallel`);
        }
        this.contextSize = pool.context.contextSize;
        const kimi = o.template === 'kimi' || (o.template !== 'wrapper' && hasKimiVocabulary(model));
        const toolFormat = kimiToolFormat(model);
        o.log?.info(
          `local engine: ${pool.size} sequences × ${pool.context.contextSize} tokens, ${threads} threads, batch ${pool.context.batchSize}, ${kimi ? `Kimi raw template (${toolFormat} tool declarations)` : 'node-llama-cpp chat wrapper'}`,
        );
        return { llama, model, pool, grammars: new GrammarCache(llama), kimi, toolFormat };
      })();
      this.loaded.catch(() => (this.loaded = undefined));
    }
    return this.loaded;
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    let l: Loaded;
    try {
      l = await this.load(signal);
    } catch (err) {
      if (signal.aborted) throw abortError(signal);
      const e = err as NodeJS.ErrnoException;
      if ((e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && /node-llama-cpp/.test(e.message)) {
        throw new ModelError('The embedded engine needs the node-llama-cpp package, which this installation lacks (the VS Code package does not bundle it): install it next to SwarmCode with `npm install node-llama-cpp`, or point SwarmCode at an endpoint (see `swarmcode doctor`).');
      }
      throw new ModelError(`Could not load the local model ${this.options.model}: ${e.message}`);
    }
    const o = this.options;
    const sampling = {
      temperature: o.temperature ?? (request.thinking ? 1.0 : 0.6),
      topP: o.topP ?? 0.95,
      topK: o.topK,
      seed: o.seed,
    };
    const maxTokens = request.maxTokens ?? o.maxTokens ?? 2048;
    const firstCallIndex = nextToolCallIndex(request.messages);
    const prompt = l.kimi
      ? l.model.tokenize(renderKimiPrompt(request.messages, request.tools, { thinking: request.thinking, toolFormat: l.toolFormat }), true)
      : [];
    if (prompt.length + 16 > l.pool.context.contextSize) {
      throw new ModelError(
        `The conversation (${prompt.length} tokens) does not fit the local context (${l.pool.context.contextSize} tokens per sequence); raise it with --context-size / the localContextSize setting.`,
      );
    }
    const seq = await l.pool.acquire(prompt, signal);
    try {
      const turn = l.kimi
        ? kimiTurn({
            llama: l.llama,
            model: l.model,
            seq,
            grammars: l.grammars,
            prompt,
            tools: request.tools,
            thinking: request.thinking,
            maxTokens: Math.min(maxTokens, l.pool.context.contextSize - prompt.length - 8),
            firstCallIndex,
            toolChoice: o.toolChoice ?? 'auto',
            sampling,
            signal,
          })
        : wrapperTurn({
            model: l.model,
            seq,
            messages: request.messages,
            tools: o.toolChoice === 'none' ? [] : request.tools,
            thinking: request.thinking,
            maxTokens,
            firstCallIndex,
            sampling,
            signal,
          });
      for await (const e of turn) yield e;
      if (signal.aborted) throw abortError(signal);
    } finally {
      l.pool.release(seq);
    }
  }

  /** Frees the context (the model stays cached for other engines; see disposeLocalModels). */
  async dispose(): Promise<void> {
    const l = await this.loaded?.catch(() => undefined);
    this.loaded = undefined;
    await l?.pool.dispose();
  }
}
