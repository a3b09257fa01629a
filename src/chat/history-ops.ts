// History actions from the panel's list and transcript: search, delete, export to Markdown, and
// rewind to a message (the conversation after it, and the files the runs after it changed).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RejectRequest } from '../../server/protocol';
import type { Conversation, ConversationSummary, ToExtension, ToWebview } from '../../webview/messages';
import type { ConversationStore } from './store';
import { exportConversation } from './commands';
import { describeRewind, planRewind, rollBackRuns, truncate } from './rewind';

export type HistoryMessage = Extract<ToExtension, { type: 'listConversations' | 'deleteConversation' | 'exportConversation' | 'rewind' }>;

export interface HistoryHost {
  client: LanguageClient;
  store: ConversationStore;
  post(message: ToWebview): void;
  /** The conversation shown in the panel. */
  current(): Conversation;
  /** True while a run of this conversation is going. */
  busy(id: string): boolean;
  /** The list with each conversation's live state (running while its run goes; several may run at once). */
  withState?(list: ConversationSummary[]): ConversationSummary[];
  /** Shows a fresh conversation (after the shown one was deleted). */
  newChat(): void;
  /** Sends the shown conversation to the panel again (after a rewind). */
  reshow(): void;
  log(message: string): void;
}

export async function handleHistory(message: HistoryMessage, host: HistoryHost): Promise<void> {
  switch (message.type) {
    case 'listConversations': {
      const query = message.query?.slice(0, 500) ?? '';
      const found = host.store.search(query);
      host.post({ type: 'conversations', conversations: host.withState?.(found) ?? found, ...(query ? { query } : {}) });
      return;
    }
    case 'deleteConversation': {
      if (host.busy(message.id)) return host.post({ type: 'error', message: 'This conversation has a run going: stop it before deleting the conversation.' });
      const shown = host.current().id === message.id;
      await host.store.delete(message.id);
      host.log(`conversation ${message.id} deleted`);
      if (shown) host.newChat();
      const list = host.store.list();
      host.post({ type: 'conversations', conversations: host.withState?.(list) ?? list });
      return;
    }
    case 'exportConversation': {
      const conv = host.current().id === message.id ? host.current() : host.store.get(message.id);
      if (!conv) return host.post({ type: 'error', message: `Conversation ${message.id} no longer exists.` });
      return exportConversation(conv, { notice: (m) => host.post({ type: 'notice', message: m }), error: (m) => host.post({ type: 'error', message: m }) });
    }
    case 'rewind':
      return rewind(message.index, message.role, host);
  }
}

async function rewind(index: number, role: 'user' | 'assistant', host: HistoryHost): Promise<void> {
  const conv = host.current();
  if (host.busy(conv.id)) return host.post({ type: 'error', message: 'A run is going in this conversation: stop it before rewinding.' });
  let plan;
  try {
    plan = planRewind(conv, index);
  } catch (err) {
    return host.post({ type: 'error', message: (err as Error).message });
  }
  // The panel's numbering must match the stored conversation (else reopen it to renumber).
  const target = conv.messages[index];
  if (target.role !== role) return host.post({ type: 'error', message: 'The panel is out of step with this conversation: reopen it from the history and rewind again.' });
  const later = conv.messages.length - plan.keep;
  if (!later) return host.post({ type: 'notice', message: 'Nothing to rewind: this is the last message.' });
  const runs = plan.runIds.length;
  const quote = target.text.trim().split('\n')[0].slice(0, 80) || '(empty)';
  const answer = await vscode.window.showWarningMessage(
    `Rewind to ${role === 'user' ? 'before your message' : 'the answer to'} “${role === 'user' ? quote : (conv.messages[index - 1]?.text.trim().split('\n')[0].slice(0, 80) ?? quote)}”? ${later} later message${later === 1 ? '' : 's'} will be removed${runs ? ` and the files ${runs === 1 ? 'its run' : `${runs} runs`} changed put back as they were` : ''}.`,
    { modal: true },
    'Rewind',
  );
  if (answer !== 'Rewind') return;
  const report = await rollBackRuns(plan.runIds, (runId) => host.client.sendRequest(RejectRequest, { runId }));
  truncate(conv, plan);
  await host.store.save(conv).then(undefined, (err: unknown) => host.log(`could not save conversation: ${String(err)}`));
  host.reshow();
  host.post({ type: 'notice', message: describeRewind(plan, report) });
  if (plan.draft) host.post({ type: 'insertText', text: plan.draft });
  host.post({ type: 'conversations', conversations: host.store.list() });
}
