// Rewind a conversation to a message: the messages after it go, and the files the runs after it
// changed are put back through their checkpoint journals (swarm/reject), newest run first so each
// journal's "before" bytes are what the file holds again when its turn comes (byte-exact when
// nobody else changed the file since). No `vscode` import: the protocol tests drive it against the
// real server. Invariant of the store: `runs[i]` belongs to the i-th user message.
import type { RejectResult } from '../../server/protocol';
import type { Conversation } from '../../webview/messages';

export interface RewindPlan {
  /** Messages kept (a prefix of the conversation). */
  keep: number;
  /** Runs to roll back, newest first. */
  runIds: string[];
  /** Rewinding to a user message puts its text back in the composer (and the message itself goes). */
  draft?: string;
}

export class RewindError extends Error {
  override name = 'RewindError';
}

/**
 * To an assistant message: it stays, everything after it goes. To a user message: the conversation
 * is put back to just before it (its run rolled back too) and its text returns to the composer.
 */
export function planRewind(conv: Conversation, index: number): RewindPlan {
  const msg = Number.isInteger(index) ? conv.messages[index] : undefined;
  if (!msg) throw new RewindError(`No message ${index} in this conversation (it has ${conv.messages.length}).`);
  const keep = msg.role === 'user' ? index : index + 1;
  const usersKept = conv.messages.slice(0, keep).filter((m) => m.role === 'user').length;
  const runIds = conv.runs.slice(usersKept).map((r) => r.runId).reverse();
  return { keep, runIds, ...(msg.role === 'user' ? { draft: msg.text } : {}) };
}

/** Cuts the conversation to the plan's prefix (messages and their runs). */
export function truncate(conv: Conversation, plan: RewindPlan): void {
  const usersKept = conv.messages.slice(0, plan.keep).filter((m) => m.role === 'user').length;
  conv.messages.splice(plan.keep);
  conv.runs.splice(usersKept);
  conv.updatedAt = Date.now();
}

export interface RewindReport {
  restored: string[];
  removed: string[];
  merged: string[];
  skipped: { path: string; reason: string }[];
  /** Runs with nothing to put back (they wrote no file, or their changes were accepted already). */
  nothing: string[];
  /** Runs whose rollback failed, with why (the ones after them were still rolled back). */
  failed: { runId: string; error: string }[];
}

/** Rolls back each run (newest first) with `reject`; one that fails is reported and the rest go on. */
export async function rollBackRuns(runIds: string[], reject: (runId: string) => Promise<RejectResult>): Promise<RewindReport> {
  const report: RewindReport = { restored: [], removed: [], merged: [], skipped: [], nothing: [], failed: [] };
  for (const runId of runIds) {
    try {
      const r = await reject(runId);
      report.restored.push(...r.restored);
      report.removed.push(...r.removed);
      report.merged.push(...r.merged);
      report.skipped.push(...r.skipped);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (/No checkpoint for run/.test(error)) report.nothing.push(runId);
      else report.failed.push({ runId, error });
    }
  }
  return report;
}

export function describeRewind(plan: RewindPlan, report: RewindReport): string {
  const files = new Set([...report.restored, ...report.removed, ...report.merged]).size;
  const parts = [`Rewound: ${plan.runIds.length} run${plan.runIds.length === 1 ? '' : 's'} undone, ${files} file${files === 1 ? '' : 's'} put back.`];
  if (report.merged.length) parts.push(`Changed since, only the run's edits reverted: ${report.merged.join(', ')}.`);
  if (report.skipped.length) parts.push(`Left as they are: ${report.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}.`);
  if (report.failed.length) parts.push(`Not rolled back: ${report.failed.map((f) => `${f.runId}: ${f.error}`).join('; ')}.`);
  return parts.join(' ');
}
