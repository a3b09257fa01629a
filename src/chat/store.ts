// Conversations persisted in a Memento (workspaceState): an index of summaries plus one entry per
// conversation. Invariant kept by the controller: `runs[i]` belongs to the i-th user message.
import type { RunStatus, SwarmEvent } from '../../server/protocol';
import type { Conversation, ConversationStatus, ConversationSummary } from '../../webview/messages';

/** The subset of vscode.Memento used here (so the store runs without VS Code in unit tests). */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const INDEX = 'swarmcode.conversations';
const CURRENT = 'swarmcode.currentConversation';
const ITEM = (id: string) => `swarmcode.conversation.${id}`;
export const MAX_CONVERSATIONS = 100;

export function newConversation(id: string, now = Date.now()): Conversation {
  return { id, title: 'New chat', updatedAt: now, messages: [], runs: [] };
}

export function titleFor(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || 'New chat';
}

/** A run's end status as the history list shows it. */
export function runStateOf(status: RunStatus): ConversationStatus {
  return status === 'done' ? 'done' : status === 'failed' ? 'failed' : 'stopped';
}

/** Where each stored run's latest `run_usage` sits: only the latest running total is kept. */
const lastUsage = new WeakMap<SwarmEvent[], number>();

/**
 * Appends an event, merging consecutive text/reasoning deltas of one agent to keep storage small;
 * a `run_usage` (a running total) replaces the run's previous one in place.
 */
export function appendEvent(events: SwarmEvent[], event: SwarmEvent): void {
  if (event.type === 'run_usage') {
    const at = lastUsage.get(events);
    if (at !== undefined && events[at]?.type === 'run_usage') events[at] = event;
    else {
      events.push(event);
      lastUsage.set(events, events.length - 1);
    }
    return;
  }
  const last = events[events.length - 1];
  if (
    last &&
    (event.type === 'text_delta' || event.type === 'reasoning_delta') &&
    last.type === event.type &&
    last.agentId === event.agentId
  ) {
    events[events.length - 1] = { ...last, text: last.text + event.text };
    return;
  }
  events.push(event);
}

export class ConversationStore {
  constructor(private readonly memento: MementoLike) {}

  list(): ConversationSummary[] {
    return [...(this.memento.get<ConversationSummary[]>(INDEX) ?? [])].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id: string): Conversation | undefined {
    return this.memento.get<Conversation>(ITEM(id));
  }

  currentId(): string | undefined {
    return this.memento.get<string>(CURRENT);
  }

  async setCurrent(id: string): Promise<void> {
    await this.memento.update(CURRENT, id);
  }

  /** Removes a conversation and its index entry; false when there was none. The current one is unset. */
  delete(id: string): Promise<boolean> {
    const next = this.saving.then(() => this.remove(id));
    this.saving = next.then(() => undefined, () => undefined);
    return next;
  }

  private async remove(id: string): Promise<boolean> {
    const index = this.list();
    if (!index.some((c) => c.id === id) && !this.get(id)) return false;
    await this.memento.update(ITEM(id), undefined);
    await this.memento.update(INDEX, index.filter((c) => c.id !== id));
    if (this.currentId() === id) await this.memento.update(CURRENT, undefined);
    return true;
  }

  /**
   * Conversations whose title or any message contains every word of `query` (case-insensitive,
   * newest first); an empty query lists them all.
   */
  search(query: string): ConversationSummary[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return this.list();
    return this.list().filter((summary) => {
      const conv = this.get(summary.id);
      const hay = [summary.title, ...(conv?.messages ?? []).map((m) => m.text)].join('\n').toLowerCase();
      return words.every((w) => hay.includes(w));
    });
  }

  /** Saves and deletes run one after another: each reads the index and writes it back (runs of several conversations save at once). */
  private saving: Promise<void> = Promise.resolve();

  /** Saves a conversation (only once it has a message) and trims the oldest past MAX_CONVERSATIONS. */
  save(conversation: Conversation): Promise<void> {
    const next = this.saving.then(() => this.write(conversation));
    this.saving = next.catch(() => undefined);
    return next;
  }

  private async write(conversation: Conversation): Promise<void> {
    if (conversation.messages.length === 0) return;
    const summary: ConversationSummary = {
      id: conversation.id,
      title: conversation.title,
      updatedAt: conversation.updatedAt,
      ...(conversation.status ? { status: conversation.status } : {}),
    };
    const index = [summary, ...this.list().filter((c) => c.id !== conversation.id)];
    const keep = index.slice(0, MAX_CONVERSATIONS);
    await this.memento.update(ITEM(conversation.id), conversation);
    for (const dropped of index.slice(MAX_CONVERSATIONS)) await this.memento.update(ITEM(dropped.id), undefined);
    await this.memento.update(INDEX, keep);
  }
}
