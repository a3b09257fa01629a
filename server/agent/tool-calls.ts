// What the loop does to the model's tool calls before running them: ids made unique within the
// conversation (the model writes them and may repeat them), and the argument preview the
// `tool_called` event carries (bounded in depth, size and length, so encoding it never overflows).
import type { ToolCall } from '../model/types';

/** Depth, per-string and per-container caps of the argument preview. */
export const PREVIEW_LIMITS = { depth: 12, stringChars: 4000, entries: 100, totalChars: 64_000 };

/**
 * Gives every call an id no earlier call of this conversation used: a repeated or empty id gets
 * a suffix (`functions.read_file:0` → `functions.read_file:0~2`). `seen` is the conversation's set.
 */
export function uniqueCallIds(calls: ToolCall[], seen: Set<string>): ToolCall[] {
  return calls.map((call, i) => {
    const base = typeof call.id === 'string' && call.id.trim() ? call.id : `call_${seen.size + i}`;
    let id = base;
    for (let n = 2; seen.has(id); n++) id = `${base}~${n}`;
    seen.add(id);
    return id === call.id ? call : { ...call, id };
  });
}

/**
 * The `tool_called` event's `args`: the parsed arguments (the raw string when they are not JSON),
 * cut to PREVIEW_LIMITS. Walks iteratively over a budget, so no depth of nesting overflows the stack.
 */
export function argsPreview(raw: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return cutString(String(raw ?? ''));
  }
  let budget = PREVIEW_LIMITS.totalChars;
  const visit = (v: unknown, depth: number): unknown => {
    if (budget <= 0) return '…';
    if (typeof v === 'string') {
      const s = cutString(v);
      budget -= s.length;
      return s;
    }
    if (v === null || typeof v !== 'object') {
      budget -= 8;
      return v;
    }
    if (depth >= PREVIEW_LIMITS.depth) {
      budget -= 16;
      return Array.isArray(v) ? `[… ${v.length} item(s) nested deeper]` : '{… nested deeper}';
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v.slice(0, PREVIEW_LIMITS.entries)) out.push(visit(item, depth + 1));
      if (v.length > PREVIEW_LIMITS.entries) out.push(`… ${v.length - PREVIEW_LIMITS.entries} more item(s)`);
      return out;
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(v);
    for (const k of keys.slice(0, PREVIEW_LIMITS.entries)) {
      budget -= k.length;
      out[cutString(k, 200)] = visit((v as Record<string, unknown>)[k], depth + 1);
    }
    if (keys.length > PREVIEW_LIMITS.entries) out['…'] = `${keys.length - PREVIEW_LIMITS.entries} more key(s)`;
    return out;
  };
  // Recursion is bounded by PREVIEW_LIMITS.depth, not by the input.
  return visit(value, 0);
}

function cutString(s: string, max = PREVIEW_LIMITS.stringChars): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [${s.length - max} more characters]`;
}
