// Keeping a long run inside the model's context window without throwing away the provider's
// prefix cache. Past the budget, the conversation is compacted in one large step (down to half
// the budget): the span between the task and the recent steps is replaced by a summary the model
// writes of it (K2.5-style context management), so facts found early survive. Between two
// compactions the prompt only grows at its end, so every request re-uses the previous one's
// prefix. The summary request itself is the old conversation plus one question: a cache hit too.
import type { ChatMessage, ChatModel, ToolSpec } from '../model/types';
import type { TokenUsage } from '../protocol';
import { estimateMessage, estimateMessages } from './context-size';

export const SUMMARY_PREFIX = '[Conversation compacted]';

export const SUMMARY_REQUEST = `${SUMMARY_PREFIX} The conversation above is about to be cut to fit the context window. Write a summary of it that lets you continue the task without it: the task as you understood it, what you found (file paths, names, line numbers, values, command results that matter), what you changed and where, what failed and why, and what is left to do. Be specific and complete; plain text, no tool calls.`;

/** Summary text budget (the summary request's output cap). */
export const SUMMARY_MAX_TOKENS = 4096;

export interface CompactionPlan {
  /** First message of the replaced span (right after the task). */
  from: number;
  /** End of the span (exclusive): the first kept recent message, an assistant turn. */
  to: number;
}

export function isSummary(m: ChatMessage): boolean {
  return m.role === 'user' && typeof m.content === 'string' && m.content.startsWith(SUMMARY_PREFIX);
}

/**
 * The span to replace so that head + summary + kept recent steps come to about `target` tokens.
 * `head` messages (system prompt, replayed history, the task) are never replaced; an earlier
 * summary right after them is part of the span. The cut falls on an assistant turn, so a tool
 * result never loses its call. Undefined when there is nothing to replace.
 */
export function planCompaction(messages: readonly ChatMessage[], head: number, target: number, reserve = SUMMARY_MAX_TOKENS): CompactionPlan | undefined {
  const from = head;
  let room = target - estimateMessages(messages, 0, from) - reserve;
  let to = messages.length;
  // Walk back over whole steps (assistant turn + its tool results) while they fit.
  let i = messages.length;
  let stepTokens = 0;
  while (i > from) {
    i--;
    stepTokens += estimateMessage(messages[i]!);
    if (messages[i]!.role !== 'assistant') continue;
    if (stepTokens > room) break;
    room -= stepTokens;
    stepTokens = 0;
    to = i;
  }
  // Always keep the newest step, even when it alone is over the target.
  if (to === messages.length) {
    to = lastAssistant(messages, from);
    if (to < 0) return undefined;
  }
  if (to <= from || (to === from + 1 && isSummary(messages[from]!))) return undefined;
  return { from, to };
}

function lastAssistant(messages: readonly ChatMessage[], from: number): number {
  for (let i = messages.length - 1; i >= from; i--) if (messages[i]!.role === 'assistant') return i;
  return -1;
}

/** A summary made without the model: the calls made and the answers given, shortened. */
export function digestOf(span: readonly ChatMessage[]): string {
  const lines: string[] = [];
  for (const m of span) {
    if (m.role === 'assistant') {
      if (m.content.trim()) lines.push(`- you said: ${clip(m.content, 300)}`);
      for (const c of m.toolCalls ?? []) lines.push(`- you called ${c.name}(${clip(c.arguments, 200)})`);
    } else if (m.role === 'user' && typeof m.content === 'string') {
      lines.push(isSummary(m) ? `- earlier summary: ${clip(m.content.slice(SUMMARY_PREFIX.length), 4000)}` : `- user: ${clip(m.content, 300)}`);
    }
  }
  return lines.join('\n');
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

export interface SummarizeOptions {
  model: ChatModel;
  tools: ToolSpec[];
  signal: AbortSignal;
  onUsage?(usage: TokenUsage): void;
}

/**
 * Asks the model for a summary of `messages[0, to)`: the same prompt prefix the agent sent before
 * (same tools, same messages) plus one request, so the provider serves it from its cache. Returns
 * undefined when the model answered with tool calls or nothing; throws only on abort.
 */
export async function modelSummary(messages: readonly ChatMessage[], to: number, opts: SummarizeOptions): Promise<string | undefined> {
  const request = {
    messages: [...messages.slice(0, to), { role: 'user' as const, content: SUMMARY_REQUEST }],
    tools: opts.tools,
    thinking: false,
    maxTokens: SUMMARY_MAX_TOKENS,
  };
  let text = '';
  let calls = 0;
  let finish = '';
  for await (const ev of opts.model.stream(request, opts.signal)) {
    if (ev.type === 'text') text += ev.text;
    else if (ev.type === 'tool_call') calls++;
    else if (ev.type === 'usage') opts.onUsage?.(ev.usage);
    else if (ev.type === 'retry') text = '';
    else if (ev.type === 'done') finish = ev.finishReason;
  }
  if (calls > 0 || !text.trim()) return undefined;
  return finish === 'length' ? `${text.trim()}\n(summary cut off at its length limit)` : text.trim();
}

/** Replaces `messages[from, to)` in place by one summary message; returns how many were replaced. */
export function applyCompaction(messages: ChatMessage[], plan: CompactionPlan, summary: string, summarized: boolean): number {
  const replaced = plan.to - plan.from;
  const note = summarized
    ? `${SUMMARY_PREFIX} ${replaced} earlier messages were replaced by your own summary of them:\n\n${summary}`
    : `${SUMMARY_PREFIX} ${replaced} earlier messages were replaced by this list of what happened in them (the outputs are gone; run a tool again if you need one):\n\n${summary}`;
  messages.splice(plan.from, replaced, { role: 'user', content: note });
  return replaced;
}
