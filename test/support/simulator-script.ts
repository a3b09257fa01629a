// Scripting helpers for the model simulator: sequential scripts, per-conversation routing so
// parallel agents each get their own sequence, and the default echo turn.
import type { Turn } from './simulator-turns';

/** A chat message as it arrives on the wire (loosely typed: we check what clients send). */
export interface SimMessage {
  role: string;
  content?: string | { type: string; text?: string; image_url?: { url: string } }[] | null;
  reasoning_content?: string;
  reasoning?: string;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
  name?: string;
}

/** A parsed chat-completions request body. */
export interface ChatRequestBody {
  model: string;
  messages: SimMessage[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  thinking?: { type: string };
  chat_template_kwargs?: { thinking?: boolean; [k: string]: unknown };
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  [k: string]: unknown;
}

export interface RespondInfo {
  /** 0-based index of this chat-completions call on this simulator. */
  index: number;
  /** Conversation key: the text of the first user message. */
  conversation: string;
  /** Whether thinking is on for this request (Moonshot default: on unless disabled). */
  thinking: boolean;
}

export type Responder = (request: ChatRequestBody, info: RespondInfo) => Turn | Promise<Turn>;

/** Text of a message's content (text parts joined). */
export function contentText(content: SimMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}

export function firstUserText(body: ChatRequestBody): string {
  const m = body.messages.find((x) => x.role === 'user');
  return m ? contentText(m.content) : '';
}

export function lastUserText(body: ChatRequestBody): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    if (body.messages[i].role === 'user') return contentText(body.messages[i].content);
  }
  return '';
}

export function thinkingEnabled(body: ChatRequestBody): boolean {
  if (body.thinking?.type === 'disabled') return false;
  if (body.chat_template_kwargs?.thinking === false) return false;
  return true;
}

/** The default answer: streams "You said: <last user text>". */
export function echoTurn(body: ChatRequestBody): Turn {
  return { text: `You said: ${lastUserText(body)}` };
}

export interface ScriptOptions {
  /** Start over after the last turn (default false). */
  cycle?: boolean;
  /** What to answer once a non-cycling script is used up (default: a text saying so). */
  whenExhausted?: Turn;
}

/** Answers with `turns` in order, one per call. */
export function script(turns: Turn[], opts: ScriptOptions = {}): Responder {
  let next = 0;
  return () => {
    if (turns.length === 0) return opts.whenExhausted ?? { text: '[simulator: empty script]' };
    if (next >= turns.length) {
      if (!opts.cycle) return opts.whenExhausted ?? { text: '[simulator: script exhausted]' };
      next = 0;
    }
    return turns[next++];
  };
}

/**
 * Routes by conversation: the first route whose key occurs in the first user message answers
 * (longest keys are tried first). A route is a turn list (played as its own script) or a responder.
 */
export function byConversation(routes: Record<string, Turn[] | Responder>, fallback: Responder = echoTurn): Responder {
  const table = Object.entries(routes)
    .map(([key, r]) => [key, Array.isArray(r) ? script(r) : r] as const)
    .sort((a, b) => b[0].length - a[0].length);
  return (request, info) => {
    const hit = table.find(([key]) => info.conversation.includes(key));
    return (hit ? hit[1] : fallback)(request, info);
  };
}

/** A fresh responder per distinct conversation: e.g. `perConversation(() => script(turns))`. */
export function perConversation(make: (conversation: string) => Responder): Responder {
  const byKey = new Map<string, Responder>();
  return (request, info) => {
    let r = byKey.get(info.conversation);
    if (!r) {
      r = make(info.conversation);
      byKey.set(info.conversation, r);
    }
    return r(request, info);
  };
}

/**
 * A swarm's scripts: `main` for the top-level agent, and for each sub-agent the turns of its task
 * (its conversation ends "Your task:\n<task>", server/swarm/prompt.ts), by function or exact text.
 */
export function swarmScript(main: Turn[], sub: ((task: string) => Turn[]) | Record<string, Turn[]>): Responder {
  return perConversation((conversation) => {
    const m = /Your task:\n([\s\S]*)$/.exec(conversation);
    if (!m) return script(main);
    const task = m[1].trim();
    return script(typeof sub === 'function' ? sub(task) : sub[task]);
  });
}

/**
 * `main` for the top-level agent; each sub-agent gets the turns of the longest key its task
 * contains (a refactor fix agent's task contains "You own shard-N"), else one "nothing to do".
 */
export function routeByTask(main: Turn[], subs: Record<string, Turn[]>): Responder {
  return perConversation((conversation) => {
    const task = /Your task:\n([\s\S]*)$/.exec(conversation)?.[1];
    if (!task) return script(main);
    const key = Object.keys(subs).sort((a, b) => b.length - a.length).find((k) => task.includes(k));
    return script(key ? subs[key] : [{ text: 'nothing to do' }]);
  });
}
