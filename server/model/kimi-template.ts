// The Kimi K2.5 raw chat template (DESIGN.md §4), for the embedded engine: it renders a
// conversation to the exact prompt text the model was trained on. The streaming parser for the
// model's output lives in kimi-parser.ts; the TypeScript tool declarations in kimi-tools-ts.ts.
//
// Where this follows Moonshot's published template (moonshotai/Kimi-K2.5 chat_template.jinja and
// its tokenizer) rather than DESIGN.md's shorthand:
// - tools are declared first, as `<|im_system|>tool_declare<|im_middle|>…<|im_end|>`: K2.5 declares
//   them TypeScript-style (`namespace functions { … }`); a schema that cannot be written that way,
//   or a K2 / K2-Thinking GGUF (whose template has no `tools_ts_str`), gets the sorted JSON list;
// - with no system message, Moonshot's default one is inserted;
// - an image is `<|media_begin|>image<|media_content|><|media_pad|><|media_end|>` and a newline;
// - assistant turns carry `<think>…</think>`: the reasoning is kept for the turns of the current
//   agentic step (after the last assistant message without tool calls), emptied before that;
// - the generation prompt ends in `<think>` (thinking) or `<think></think>` (instant);
// - tool call ids must be `functions.NAME:IDX` (IDX counts calls across the conversation);
//   other ids (e.g. `call_…` from an OpenAI-compatible provider) are rewritten to that shape,
//   and the tool results that refer to them follow.
import type { ChatMessage, ContentPart, ToolSpec } from './types';
import { encodeToolsJson, encodeToolsTypeScript } from './kimi-tools-ts';

export const K = {
  imSystem: '<|im_system|>',
  imUser: '<|im_user|>',
  imAssistant: '<|im_assistant|>',
  imMiddle: '<|im_middle|>',
  imEnd: '<|im_end|>',
  thinkOpen: '<think>',
  thinkClose: '</think>',
  sectionBegin: '<|tool_calls_section_begin|>',
  sectionEnd: '<|tool_calls_section_end|>',
  callBegin: '<|tool_call_begin|>',
  argBegin: '<|tool_call_argument_begin|>',
  callEnd: '<|tool_call_end|>',
  mediaBegin: '<|media_begin|>',
  mediaContent: '<|media_content|>',
  mediaPad: '<|media_pad|>',
  mediaEnd: '<|media_end|>',
  eos: '[EOS]',
} as const;

export const KIMI_DEFAULT_SYSTEM = 'You are Kimi, an AI assistant created by Moonshot AI.';
export const KIMI_IMAGE = `${K.mediaBegin}image${K.mediaContent}${K.mediaPad}${K.mediaEnd}\n`;

const ID_RE = /^functions\.([A-Za-z0-9_.-]+):(\d+)$/;

export function kimiToolCallId(name: string, index: number): string {
  return `functions.${name}:${index}`;
}

/** `functions.NAME:IDX` → {name, index}; anything else → null. */
export function parseKimiToolCallId(id: string): { name: string; index: number } | null {
  const m = ID_RE.exec(id.trim());
  return m ? { name: m[1]!, index: Number(m[2]) } : null;
}

/** The index the next tool call in this conversation gets (one more than the highest so far). */
export function nextToolCallIndex(messages: ChatMessage[]): number {
  let next = 0;
  for (const m of messages) {
    if (m.role !== 'assistant' || !m.toolCalls) continue;
    for (const c of m.toolCalls) {
      const parsed = parseKimiToolCallId(c.id);
      next = parsed ? Math.max(next, parsed.index + 1) : next + 1;
    }
  }
  return next;
}

function renderParts(content: string | ContentPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? p.text : KIMI_IMAGE)).join('');
}

/** How the tool list is declared: K2.5's TypeScript form (default) or K2's JSON list. */
export type KimiToolFormat = 'typescript' | 'json';

/** The tool_declare message; TypeScript-style unless a schema cannot be rendered so, or K2's JSON is asked for. */
export function renderToolDeclare(tools: ToolSpec[], format: KimiToolFormat = 'typescript'): string {
  const body = (format === 'typescript' ? encodeToolsTypeScript(tools) : null) ?? encodeToolsJson(tools);
  return `${K.imSystem}tool_declare${K.imMiddle}${body}${K.imEnd}`;
}

export interface KimiRenderOptions {
  thinking: boolean;
  /** Append the assistant generation prompt (default true). */
  generationPrompt?: boolean;
  /** Insert Moonshot's default system message when none is given (default true). */
  defaultSystem?: boolean;
  /** Tool declaration form (default 'typescript', K2.5). */
  toolFormat?: KimiToolFormat;
}

/** Renders messages + tools to the raw Kimi prompt. */
export function renderKimiPrompt(messages: ChatMessage[], tools: ToolSpec[], opts: KimiRenderOptions): string {
  let out = tools.length ? renderToolDeclare(tools, opts.toolFormat) : '';
  if ((opts.defaultSystem ?? true) && messages[0]?.role !== 'system') {
    out += `${K.imSystem}system${K.imMiddle}${KIMI_DEFAULT_SYSTEM}${K.imEnd}`;
  }
  // Reasoning is kept only after the last assistant message that made no tool calls.
  let keepFrom = 0;
  messages.forEach((m, i) => {
    if (m.role === 'assistant' && !m.toolCalls?.length) keepFrom = i + 1;
  });
  const ids = new Map<string, string>();
  let nextIndex = 0;
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
        out += `${K.imSystem}system${K.imMiddle}${m.content}${K.imEnd}`;
        break;
      case 'user':
        out += `${K.imUser}user${K.imMiddle}${renderParts(m.content)}${K.imEnd}`;
        break;
      case 'assistant': {
        const reasoning = i >= keepFrom ? (m.reasoning ?? '') : '';
        out += `${K.imAssistant}assistant${K.imMiddle}${K.thinkOpen}${reasoning}${K.thinkClose}${m.content}`;
        if (m.toolCalls?.length) {
          out += K.sectionBegin;
          for (const c of m.toolCalls) {
            const parsed = parseKimiToolCallId(c.id);
            const id = parsed ? c.id : kimiToolCallId(c.name, nextIndex);
            nextIndex = parsed ? Math.max(nextIndex, parsed.index + 1) : nextIndex + 1;
            ids.set(c.id, id);
            out += `${K.callBegin}${id}${K.argBegin}${c.arguments}${K.callEnd}`;
          }
          out += K.sectionEnd;
        }
        out += K.imEnd;
        break;
      }
      case 'tool': {
        const id = ids.get(m.toolCallId) ?? m.toolCallId;
        out += `${K.imSystem}${m.name || 'tool'}${K.imMiddle}## Return of ${id}\n${renderParts(m.content)}${K.imEnd}`;
        break;
      }
    }
  });
  if (opts.generationPrompt ?? true) {
    out += `${K.imAssistant}assistant${K.imMiddle}${opts.thinking ? K.thinkOpen : K.thinkOpen + K.thinkClose}`;
  }
  return out;
}
