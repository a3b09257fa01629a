// How large an agent's conversation is, in tokens, without re-reading all of it every step.
// The provider's `usage.prompt_tokens` is exact for what it was sent; only what was appended since
// is estimated (per message, cached), so each step's work is proportional to what changed.
import type { ChatMessage, ToolSpec } from '../model/types';

/** Flat estimate for an image part (K2.5 charges by resolution; a screenshot crop is about this). */
export const IMAGE_TOKENS = 1000;

/**
 * Token estimate of a text. Latin text and code run about 4 characters a token; CJK ideographs,
 * kana and hangul about one a token (a 4-characters rule undercounts Chinese several times over);
 * other non-ASCII letters about two characters a token.
 */
export function estimateTextTokens(text: string): number {
  let ascii = 0;
  let wide = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) ascii++;
    else if ((c >= 0x2e80 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xffef)) wide++;
    else if (c >= 0xd800 && c <= 0xdbff) {
      wide++; // a surrogate pair (emoji, rare ideographs): about one token
      i++;
    } else other++;
  }
  return Math.ceil(ascii / 4 + wide + other / 2);
}

const cache = new WeakMap<ChatMessage, number>();

/** Estimate of one message (cached: messages are not changed after they are appended). */
export function estimateMessage(m: ChatMessage): number {
  const hit = cache.get(m);
  if (hit !== undefined) return hit;
  let n = 4; // role and separators
  if (typeof m.content === 'string') n += estimateTextTokens(m.content);
  else for (const p of m.content) n += p.type === 'text' ? estimateTextTokens(p.text) : IMAGE_TOKENS;
  if (m.role === 'assistant') {
    n += m.reasoning ? estimateTextTokens(m.reasoning) : 0;
    for (const c of m.toolCalls ?? []) n += 8 + estimateTextTokens(c.name) + estimateTextTokens(c.arguments);
  }
  cache.set(m, n);
  return n;
}

export function estimateMessages(messages: readonly ChatMessage[], from = 0, to = messages.length): number {
  let n = 0;
  for (let i = from; i < to; i++) n += estimateMessage(messages[i]!);
  return n;
}

const toolCache = new WeakMap<readonly ToolSpec[], number>();

export function estimateTools(tools: readonly ToolSpec[]): number {
  let n = toolCache.get(tools);
  if (n === undefined) {
    n = estimateTextTokens(JSON.stringify(tools));
    toolCache.set(tools, n);
  }
  return n;
}

/**
 * One agent's conversation size. `measured(count, promptTokens)` anchors it to the provider's count
 * for the first `count` messages; `reset()` drops the anchor when earlier messages were replaced.
 */
export class ContextSize {
  private anchorCount = 0;
  private anchorTokens = 0;

  constructor(private readonly tools: readonly ToolSpec[]) {}

  /** The provider reported `promptTokens` for a request that carried the first `count` messages. */
  measured(count: number, promptTokens: number): void {
    if (promptTokens <= 0) return;
    this.anchorCount = count;
    this.anchorTokens = promptTokens;
  }

  /** Earlier messages were replaced (compaction): estimate from scratch until the next measurement. */
  reset(): void {
    this.anchorCount = 0;
    this.anchorTokens = 0;
  }

  /** Tokens of a request carrying `messages` now. */
  tokens(messages: readonly ChatMessage[]): number {
    if (this.anchorCount > 0 && this.anchorCount <= messages.length) return this.anchorTokens + estimateMessages(messages, this.anchorCount);
    return estimateTools(this.tools) + estimateMessages(messages);
  }
}
