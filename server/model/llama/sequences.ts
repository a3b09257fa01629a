// Sub-agents as parallel context sequences of one loaded model: one LlamaContext with N
// sequences, whose pending decodes node-llama-cpp gathers into shared batches. A stream leases a
// sequence, preferring the free one whose cached tokens share the longest prefix with its prompt
// (a sub-agent's next turn, or the shared system prompt), and waits when all are busy.
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';

export interface SequencePoolOptions {
  sequences: number;
  /** Tokens per sequence, or a range node-llama-cpp fits to the free memory. */
  contextSize: number | { min: number; max: number };
  batchSize?: number;
  threads?: number;
  flashAttention?: 'auto' | boolean;
}

interface Waiter {
  prompt: Token[];
  resolve(seq: LlamaContextSequence): void;
  reject(err: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

export class SequencePool {
  private free: LlamaContextSequence[] = [];
  private waiters: Waiter[] = [];

  private constructor(readonly context: LlamaContext) {}

  static async create(model: LlamaModel, opts: SequencePoolOptions): Promise<SequencePool> {
    const context = await model.createContext({
      sequences: opts.sequences,
      contextSize: opts.contextSize,
      batchSize: opts.batchSize,
      threads: opts.threads,
      flashAttention: opts.flashAttention === 'auto' ? undefined : opts.flashAttention,
    });
    const pool = new SequencePool(context);
    for (let i = 0; i < opts.sequences; i++) pool.free.push(context.getSequence());
    return pool;
  }

  get size(): number {
    return this.context.totalSequences;
  }

  get idle(): number {
    return this.free.length;
  }

  acquire(prompt: Token[], signal: AbortSignal): Promise<LlamaContextSequence> {
    signal.throwIfAborted();
    if (this.free.length) return Promise.resolve(this.takeBest(prompt));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        prompt,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', w.onAbort, { once: true });
      this.waiters.push(w);
    });
  }

  release(seq: LlamaContextSequence): void {
    const w = this.waiters.shift();
    if (w) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.resolve(seq);
    } else this.free.push(seq);
  }

  private takeBest(prompt: Token[]): LlamaContextSequence {
    let best = 0;
    let bestLen = -1;
    this.free.forEach((seq, i) => {
      const len = seq.compareContextTokens(prompt).firstDifferentIndex;
      if (len > bestLen) {
        best = i;
        bestLen = len;
      }
    });
    return this.free.splice(best, 1)[0]!;
  }

  async dispose(): Promise<void> {
    for (const w of this.waiters) w.reject(new Error('model unloaded'));
    this.waiters = [];
    await this.context.dispose();
  }
}

/**
 * Keeps the sequence's cached prefix that matches `prompt` and returns the tokens still to be
 * evaluated (at least one, so the next token can be sampled). Returns how many were reused.
 */
export async function reusePrefix(seq: LlamaContextSequence, prompt: Token[]): Promise<{ rest: Token[]; reused: number }> {
  let keep = Math.min(seq.compareContextTokens(prompt).firstDifferentIndex, prompt.length - 1);
  if (keep < 0) keep = 0;
  if (seq.nextTokenIndex > keep) await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
  return { rest: prompt.slice(keep), reused: keep };
}
