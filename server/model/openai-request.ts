// Builds the OpenAI-compatible chat-completions request body from a ModelRequest, honouring the
// Kimi K2.5 rules of DESIGN.md §4: thinking switch per dialect, reasoning_content sent back on
// every thinking-mode assistant tool-call message (an empty string when none was streamed), an
// output cap on every request, image parts as data URLs, no empty text parts, no sampling params.
import type { Dialect } from './dialect';
import type { ChatMessage, ContentPart, ModelRequest } from './types';

/** Wire shapes (a superset of what the `openai` types allow: reasoning_content, thinking, ...). */
export type WirePart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}
export type WireMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | WirePart[] }
  | { role: 'assistant'; content: string; reasoning_content?: string; tool_calls?: WireToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string };

export interface WireBody {
  model: string;
  messages: WireMessage[];
  tools?: { type: 'function'; function: { name: string; description: string; parameters: Record<string, unknown> } }[];
  stream: true;
  stream_options: { include_usage: true };
  max_tokens: number;
  thinking?: { type: 'enabled' | 'disabled' };
  chat_template_kwargs?: { thinking: boolean };
}

function imageUrl(p: { mimeType: string; data: string }): string {
  return `data:${p.mimeType || 'image/png'};base64,${p.data}`;
}

/** User content: a plain string when there are no images, else parts without empty text. */
function userContent(content: string | ContentPart[]): string | WirePart[] {
  if (typeof content === 'string') return content;
  const hasImage = content.some((p) => p.type === 'image');
  if (!hasImage) return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  const parts: WirePart[] = [];
  for (const p of content) {
    if (p.type === 'text') {
      if (p.text.trim() !== '') parts.push({ type: 'text', text: p.text });
    } else {
      parts.push({ type: 'image_url', image_url: { url: imageUrl(p) } });
    }
  }
  return parts;
}

function textOf(content: string | ContentPart[]): string {
  if (typeof content === 'string') return content;
  return content
    .filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('');
}

/**
 * Wire form of each message, per `reasoningKey` setting: a conversation is re-sent every step,
 * and mapping only the messages added since keeps a step's work proportional to what changed.
 * Messages are never changed after they are appended (compaction replaces them), so this is safe.
 */
const wireCache = new WeakMap<ChatMessage, [WireMessage | undefined, WireMessage | undefined]>();

function cachedWire(m: ChatMessage, reasoningKey: boolean, make: () => WireMessage): WireMessage {
  let entry = wireCache.get(m);
  if (!entry) wireCache.set(m, (entry = [undefined, undefined]));
  const slot = reasoningKey ? 1 : 0;
  return (entry[slot] ??= make());
}

/**
 * Maps our messages to wire messages. Tool results are `role: 'tool'` messages (text only, as
 * chat-completions requires); images a tool returned follow the run of tool messages as one user
 * message, so the tool results stay directly after their assistant message.
 * `reasoningKey`: every assistant tool-call message carries `reasoning_content` (thinking mode on
 * an endpoint that checks it); otherwise the key is sent only when there is reasoning to send.
 */
export function toWireMessages(messages: ChatMessage[], reasoningKey = false): WireMessage[] {
  const out: WireMessage[] = [];
  let pendingImages: WirePart[] = [];
  const flushImages = () => {
    if (pendingImages.length === 0) return;
    out.push({ role: 'user', content: [{ type: 'text', text: 'Images returned by the tool calls above:' }, ...pendingImages] });
    pendingImages = [];
  };
  for (const m of messages) {
    if (m.role !== 'tool') flushImages();
    switch (m.role) {
      case 'system':
        out.push(cachedWire(m, false, () => ({ role: 'system', content: m.content })));
        break;
      case 'user':
        out.push(cachedWire(m, false, () => ({ role: 'user', content: userContent(m.content) })));
        break;
      case 'assistant':
        out.push(cachedWire(m, reasoningKey, () => assistantWire(m, reasoningKey)));
        break;
      case 'tool': {
        if (typeof m.content === 'string') {
          const content = m.content === '' ? '(no output)' : m.content;
          out.push(cachedWire(m, false, () => ({ role: 'tool', tool_call_id: m.toolCallId, name: m.name, content })));
          break;
        }
        let text = textOf(m.content);
        for (const p of m.content) if (p.type === 'image') pendingImages.push({ type: 'image_url', image_url: { url: imageUrl(p) } });
        if (text === '') text = m.content.some((p) => p.type === 'image') ? '(image attached below)' : '(no output)';
        out.push({ role: 'tool', tool_call_id: m.toolCallId, name: m.name, content: text });
        break;
      }
    }
  }
  flushImages();
  return out;
}

function assistantWire(m: Extract<ChatMessage, { role: 'assistant' }>, reasoningKey: boolean): WireMessage {
  const msg: Extract<WireMessage, { role: 'assistant' }> = { role: 'assistant', content: m.content ?? '' };
  const calls = m.toolCalls ?? [];
  // Kimi thinking mode answers 400 "thinking is enabled but reasoning_content is missing in
  // assistant tool call message" when a tool-call turn comes back without the key — also
  // when the model streamed no reasoning for it (then the key carries an empty string).
  if (calls.length > 0 && reasoningKey) msg.reasoning_content = m.reasoning ?? '';
  else if (m.reasoning) msg.reasoning_content = m.reasoning;
  if (calls.length > 0) {
    msg.tool_calls = calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments === '' ? '{}' : c.arguments },
    }));
  }
  return msg;
}

/**
 * The full streaming request body for `dialect`. `maxTokens` is the output cap when the request
 * carries none (omitted, Moonshot applies a small default and cuts thinking turns off). Sampling
 * parameters are never sent.
 */
export function buildBody(model: string, request: ModelRequest, dialect: Dialect, maxTokens: number): WireBody {
  const body: WireBody = {
    model,
    // An endpoint of the `none` dialect (OpenAI, OpenRouter, Ollama) never asked for the key.
    messages: toWireMessages(request.messages, request.thinking && dialect !== 'none'),
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: request.maxTokens ?? maxTokens,
  };
  if (request.tools.length > 0) {
    body.tools = request.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
  }
  if (dialect === 'moonshot') body.thinking = { type: request.thinking ? 'enabled' : 'disabled' };
  else if (dialect === 'vllm') body.chat_template_kwargs = { thinking: request.thinking };
  return body;
}

/** UTF-8 JSON of each wire message, made once: the same messages are re-sent on every step. */
const encoded = new WeakMap<WireMessage, Buffer>();
const COMMA = Buffer.from(',');

/**
 * The request body as UTF-8 JSON bytes, equal to `JSON.stringify(body)` except for key order:
 * messages are encoded once and reused, so a step encodes only what was added since the last one
 * instead of the whole conversation (up to the full context window) again.
 */
export function encodeBody(body: WireBody): Buffer {
  const { messages, ...rest } = body;
  const parts: Buffer[] = [Buffer.from(`${JSON.stringify(rest).slice(0, -1)},"messages":[`)];
  messages.forEach((m, i) => {
    let bytes = encoded.get(m);
    if (!bytes) encoded.set(m, (bytes = Buffer.from(JSON.stringify(m))));
    if (i > 0) parts.push(COMMA);
    parts.push(bytes);
  });
  parts.push(Buffer.from(']}'));
  return Buffer.concat(parts);
}
