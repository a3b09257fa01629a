// One assistant turn of a non-Kimi GGUF through node-llama-cpp's own chat wrappers (resolved from
// the model's metadata / Jinja template), whose function calling constrains arguments to each
// tool's JSON schema by grammar. Call ids are given the Kimi shape `functions.NAME:IDX` too.
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import type { ChatMessage, ContentPart, ModelEvent, ToolSpec } from '../types';
import { kimiToolCallId } from '../kimi-template';
import { loadNodeLlamaCpp } from './runtime';
import { sanitizeSchema } from './grammars';

export interface WrapperTurnParams {
  model: LlamaModel;
  seq: LlamaContextSequence;
  messages: ChatMessage[];
  tools: ToolSpec[];
  thinking: boolean;
  maxTokens: number;
  firstCallIndex: number;
  sampling: { temperature: number; topP: number; topK?: number; seed?: number };
  signal: AbortSignal;
}

function partsText(content: string | ContentPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? p.text : '[image omitted: this local model has no vision input]')).join('');
}

/** SwarmCode messages → node-llama-cpp chat history (tool results live inside the call items). */
export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const calls = new Map<string, ChatModelFunctionCall>();
  for (const m of messages) {
    if (m.role === 'system') history.push({ type: 'system', text: m.content });
    else if (m.role === 'user') history.push({ type: 'user', text: partsText(m.content) });
    else if (m.role === 'assistant') {
      const response: Extract<ChatHistoryItem, { type: 'model' }>['response'] = [];
      if (m.reasoning) response.push({ type: 'segment', segmentType: 'thought', text: m.reasoning, ended: true });
      if (m.content) response.push(m.content);
      m.toolCalls?.forEach((c, i) => {
        let params: unknown;
        try {
          params = JSON.parse(c.arguments);
        } catch {
          params = c.arguments;
        }
        const item: ChatModelFunctionCall = { type: 'functionCall', name: c.name, params, result: '', startsNewChunk: i === 0 };
        calls.set(c.id, item);
        response.push(item);
      });
      history.push({ type: 'model', response });
    } else {
      const call = calls.get(m.toolCallId);
      if (call) call.result = partsText(m.content);
      else history.push({ type: 'user', text: `Result of ${m.name}:\n${partsText(m.content)}` });
    }
  }
  history.push({ type: 'model', response: [] });
  return history;
}

/** Bridges callback-style streaming into an async iterator. */
class Channel<T> {
  private items: T[] = [];
  private wake?: () => void;
  closed = false;
  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }
  close(): void {
    this.closed = true;
    this.wake?.();
  }
  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.items.length) yield this.items.shift()!;
      if (this.closed) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

export async function* wrapperTurn(p: WrapperTurnParams): AsyncGenerator<ModelEvent> {
  const m = await loadNodeLlamaCpp();
  const chat = new m.LlamaChat({ contextSequence: p.seq, autoDisposeSequence: false });
  const functions: ChatModelFunctions = Object.fromEntries(
    p.tools.map((t) => [t.name, { description: t.description, params: sanitizeSchema(t.parameters) as never }]),
  );
  const meter = p.seq.tokenMeter.getState();
  const ch = new Channel<ModelEvent>();
  const run = chat
    .generateResponse(toChatHistory(p.messages), {
      functions: p.tools.length ? functions : undefined,
      documentFunctionParams: true,
      maxParallelFunctionCalls: 8,
      maxTokens: p.maxTokens,
      temperature: p.sampling.temperature,
      topP: p.sampling.topP,
      topK: p.sampling.topK ?? 40,
      seed: p.sampling.seed,
      signal: p.signal,
      stopOnAbortSignal: true,
      budgets: p.thinking ? undefined : { thoughtTokens: 0 },
      onResponseChunk: (chunk) => {
        if (!chunk.text) return;
        if (chunk.type === undefined) ch.push({ type: 'text', text: chunk.text });
        else if (chunk.segmentType === 'thought') ch.push({ type: 'reasoning', text: chunk.text });
      },
    })
    .finally(() => ch.close());
  run.catch(() => undefined);
  yield* ch.drain();
  const res = await run;
  chat.dispose({ disposeSequence: false });
  let index = p.firstCallIndex;
  for (const call of res.functionCalls ?? []) {
    yield {
      type: 'tool_call',
      call: { id: kimiToolCallId(call.functionName, index++), name: call.functionName, arguments: JSON.stringify(call.params ?? {}) },
    };
  }
  const used = p.seq.tokenMeter.diff(meter);
  yield { type: 'usage', usage: { input: used.usedInputTokens, cachedInput: 0, output: used.usedOutputTokens } };
  const reason = res.metadata.stopReason;
  yield { type: 'done', finishReason: reason === 'functionCalls' ? 'tool_calls' : reason === 'maxTokens' ? 'length' : 'stop' };
}
