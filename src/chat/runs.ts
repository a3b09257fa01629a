// The chat's runs: one going on per conversation, several conversations at once.
import type * as vscode from 'vscode';
import type { ImageInput, RunResult, RunStatus, SwarmEvent } from '../../server/protocol';
import type { Conversation, ConversationSummary } from '../../webview/messages';
import { runStateOf, titleFor } from './store';

export interface ActiveRun {
  runId: string;
  cts: vscode.CancellationTokenSource;
  conversation: Conversation;
  events: SwarmEvent[];
  /** Resolves (with a local result) when the server does not answer a stop in time. */
  forceEnd: (result: RunResult) => void;
  /** The pending periodic save of this run's conversation. */
  saveTimer?: NodeJS.Timeout;
}

export function emptyResult(runId: string, status: RunStatus, error?: string): RunResult {
  return {
    runId,
    status,
    text: '',
    ...(error ? { error } : {}),
    summary: { wallMs: 0, steps: 0, toolCalls: 0, tokens: { input: 0, cachedInput: 0, output: 0 } },
  };
}

/** The list with each conversation's live state: 'running' only while its run goes on here. */
export function withRunState(list: ConversationSummary[], running: (id: string) => boolean): ConversationSummary[] {
  return list.map((c) => {
    if (running(c.id)) return { ...c, status: 'running' };
    // Saved mid-run by a window that went away: that run is gone.
    return c.status === 'running' ? { ...c, status: 'stopped' } : c;
  });
}

/** Records the user's message and a new run in `conversation` (titled by its first message, or `title`); returns the run's event list. */
export function recordTurn(conversation: Conversation, runId: string, text: string, images: ImageInput[], title?: string): SwarmEvent[] {
  conversation.messages.push({ role: 'user', text, ...(images.length ? { images } : {}) });
  if (conversation.runs.length === 0) conversation.title = title ?? titleFor(text);
  conversation.updatedAt = Date.now();
  const events: SwarmEvent[] = [];
  conversation.runs.push({ runId, events });
  conversation.status = 'running';
  return events;
}

/** Records a run's answer and how it ended in its conversation. */
export function recordAnswer(conversation: Conversation, result: RunResult): void {
  conversation.messages.push({ role: 'assistant', text: result.text ?? '' });
  conversation.status = runStateOf(result.status);
  conversation.updatedAt = Date.now();
}
