// The first way of keeping a long run inside the context window, now the last resort and the
// baseline of bench/compaction: past the budget, the outputs of the oldest tool calls are replaced
// by a short note, one at a time. It changes the prompt near its start on every step past the
// budget (the provider's prefix cache then misses); compaction.ts is what the agent loop uses.
import type { ChatMessage } from '../model/types';

/** Rough size: 4 characters a token, images at a flat rate. */
export function estimateMessageTokens(messages: ChatMessage[]): number {
  let chars = 0;
  for (const m of messages) {
    if (typeof m.content === 'string') chars += m.content.length;
    else for (const p of m.content) chars += p.type === 'text' ? p.text.length : 4000;
    if (m.role === 'assistant') {
      chars += m.reasoning?.length ?? 0;
      for (const c of m.toolCalls ?? []) chars += c.name.length + c.arguments.length;
    }
  }
  return Math.ceil(chars / 4);
}

const ELIDED = /^\[output of an earlier call elided/;

/**
 * Elides the oldest tool outputs until the estimate fits `budgetTokens`, never touching the
 * newest `keepRecent` tool messages. Returns how many outputs were elided (0 when it already fit).
 */
export function compactToolOutputs(messages: ChatMessage[], budgetTokens: number, keepRecent = 6): number {
  let total = estimateMessageTokens(messages);
  if (total <= budgetTokens) return 0;
  const toolIdx = messages.flatMap((m, i) => (m.role === 'tool' ? [i] : []));
  const candidates = toolIdx.slice(0, Math.max(0, toolIdx.length - keepRecent));
  let elided = 0;
  for (const i of candidates) {
    if (total <= budgetTokens) break;
    const m = messages[i] as Extract<ChatMessage, { role: 'tool' }>;
    if (typeof m.content === 'string' && ELIDED.test(m.content)) continue;
    const before = estimateMessageTokens([m]);
    const size = typeof m.content === 'string' ? m.content.length : m.content.length;
    // A new message object, not an edit: the wire layer caches each message's wire form.
    messages[i] = { ...m, content: `[output of an earlier call elided to keep the conversation within the context window (${size} ${typeof m.content === 'string' ? 'characters' : 'parts'}); run the tool again if you need it]` };
    total -= before - estimateMessageTokens([messages[i]!]);
    elided++;
  }
  return elided;
}
