// One compaction of an agent's conversation, as the agent loop runs it before a step.
import type { Logger } from '../log';
import type { ChatMessage, ChatModel, ToolSpec } from '../model/types';
import type { TokenUsage } from '../protocol';
import { applyCompaction, digestOf, modelSummary, planCompaction } from './compaction';
import type { ContextSize } from './context-size';
import { compactToolOutputs } from './elide-outputs';

/** `summary`: large steps, model-written summary; `elide-oldest`: the earlier one-output-at-a-time elision. */
export type CompactionStrategy = 'summary' | 'elide-oldest';

export interface CompactInput {
  messages: ChatMessage[];
  /** Messages never replaced (system prompt, history, task). */
  head: number;
  /** Size to compact down to (tokens). */
  target: number;
  strategy: CompactionStrategy;
  model: ChatModel;
  tools: ToolSpec[];
  size: ContextSize;
  log?: Logger;
}

export interface CompactResult {
  /** Conversation size after compaction (estimate). */
  tokens: number;
  /** The span was replaced by the model's own summary (false: a list of the calls made). */
  summarized: boolean;
}

/** Compacts `input.messages` in place; undefined when there was nothing to compact. */
export async function compactConversation(input: CompactInput, onUsage: (u: TokenUsage) => void, signal: AbortSignal): Promise<CompactResult | undefined> {
  const { messages, size } = input;
  if (input.strategy === 'elide-oldest') {
    // The budget is 2 × target; elide just enough to fit it, as this strategy always did.
    const elided = compactToolOutputs(messages, input.target * 2);
    if (elided === 0) return undefined;
    size.reset();
    return { tokens: size.tokens(messages), summarized: false };
  }
  const plan = planCompaction(messages, input.head, input.target);
  if (!plan) return undefined;
  let summary: string | undefined;
  try {
    summary = await modelSummary(messages, plan.to, { model: input.model, tools: input.tools, signal, onUsage });
  } catch (err) {
    signal.throwIfAborted();
    // A failed summary request falls back to the digest; the run goes on.
    input.log?.warn(`compaction: the summary request failed (${(err as Error).message}); using a list of the calls instead`);
  }
  const summarized = summary !== undefined;
  applyCompaction(messages, plan, summary ?? digestOf(messages.slice(plan.from, plan.to)), summarized);
  size.reset();
  return { tokens: size.tokens(messages), summarized };
}
