// `@swarmcode` in VS Code's own Chat view: a chat participant that runs the request as a SwarmCode
// run (swarm/run, the same server engine, tools, approvals and journal as the chat panel): the
// top-level agent's text streams as markdown, tool calls and sub-agents as progress, files it
// read as references, and the files it changed as references plus a "Review Changes" button (the
// edits are already in the workspace, journaled, undoable from the Changes review).
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelRequest, ChangesRequest, RunRequest, type HistoryTurn, type RunResult, type SwarmEvent } from '../../server/protocol';
import type { Ctx } from '../context';
import { modeLabel } from '../review/model';

export const PARTICIPANT_ID = 'swarmcode.participant';
const REVIEW = 'swarmcode.review.show';
const READS = new Set(['read_file', 'list_files', 'grep', 'find_symbol']);

/** The earlier turns with this participant, as swarm/run history. */
export function historyOf(context: vscode.ChatContext): HistoryTurn[] {
  const turns: HistoryTurn[] = [];
  for (const t of context.history) {
    if (t.participant !== PARTICIPANT_ID) continue;
    if (t instanceof vscode.ChatRequestTurn) turns.push({ role: 'user', text: t.prompt });
    else if (t instanceof vscode.ChatResponseTurn) {
      const text = t.response.map((p) => (p instanceof vscode.ChatResponseMarkdownPart ? p.value.value : '')).join('');
      if (text.trim()) turns.push({ role: 'assistant', text });
    }
  }
  return turns;
}

/** The prompt plus the files and selections attached with `#`. */
function taskOf(request: vscode.ChatRequest): string {
  const attached: string[] = [];
  for (const ref of request.references) {
    const v = ref.value;
    if (v instanceof vscode.Uri) attached.push(`- ${vscode.workspace.asRelativePath(v)}`);
    else if (v instanceof vscode.Location) attached.push(`- ${vscode.workspace.asRelativePath(v.uri)} (lines ${v.range.start.line + 1}-${v.range.end.line + 1})`);
  }
  return attached.length ? `${request.prompt}\n\nAttached:\n${attached.join('\n')}` : request.prompt;
}

function fileOf(args: unknown): string | undefined {
  const p = (args as { path?: unknown } | null)?.path;
  return typeof p === 'string' && p && p.length < 4096 ? p : undefined;
}

export function register(ctx: Ctx): vscode.Disposable {
  const root = () => vscode.workspace.workspaceFolders?.[0]?.uri;
  const uriOf = (rel: string) => {
    const r = root();
    if (!r) return undefined;
    const abs = path.resolve(r.fsPath, rel);
    // Only workspace files become references (a hostile path stays text).
    return abs.startsWith(r.fsPath + path.sep) ? vscode.Uri.file(abs) : undefined;
  };

  const handler: vscode.ChatRequestHandler = async (request, context, stream, token) => {
    if (!(await ctx.chat.whenReady())) {
      stream.markdown('The SwarmCode server is not running: see the "SwarmCode" output channel.');
      return { errorDetails: { message: 'The SwarmCode server is not running.' } };
    }
    const runId = randomUUID();
    const labels = new Map<string, string>();
    const referenced = new Set<string>();
    let streamed = false;
    const onEvent = (ev: SwarmEvent) => {
      const who = ev.agentId === 'main' ? '' : `${labels.get(ev.agentId) ?? ev.agentId}: `;
      switch (ev.type) {
        case 'text_delta':
          if (ev.agentId !== 'main') return;
          streamed = true;
          stream.markdown(ev.text);
          return;
        case 'agent_spawned':
          labels.set(ev.agentId, (ev.item ?? ev.task.split('\n')[0] ?? ev.agentId).slice(0, 60));
          stream.progress(`Sub-agent ${ev.agentId} started: ${labels.get(ev.agentId)}`);
          return;
        case 'tool_called': {
          const file = fileOf(ev.args);
          stream.progress(`${who}${ev.name}${file ? ` ${file}` : ''}`);
          const uri = file && READS.has(ev.name) ? uriOf(file) : undefined;
          if (uri && !referenced.has(uri.fsPath)) {
            referenced.add(uri.fsPath);
            stream.reference(uri);
          }
          return;
        }
        case 'retry':
          stream.progress(`${who}retrying (attempt ${ev.attempt}): ${ev.reason}`);
          return;
        case 'error':
          stream.markdown(`\n\n> ${who}**error:** ${ev.message.replace(/\n/g, ' ')}\n\n`);
          return;
        default:
          return;
      }
    };
    const sub = ctx.chat.onDidEvent((p) => p.runId === runId && onEvent(p.event));
    const cts = new vscode.CancellationTokenSource();
    const cancel = token.onCancellationRequested(() => {
      cts.cancel();
      ctx.client.sendRequest(CancelRequest, { runId }).catch(() => undefined);
    });
    let result: RunResult;
    try {
      result = await ctx.client.sendRequest(RunRequest, { runId, task: taskOf(request), history: historyOf(context) }, cts.token);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return token.isCancellationRequested ? { metadata: { runId, status: 'cancelled' } } : { errorDetails: { message }, metadata: { runId, status: 'failed' } };
    } finally {
      sub.dispose();
      cancel.dispose();
      cts.dispose();
    }
    if (!streamed && result.text) stream.markdown(result.text);
    if (result.status === 'failed') return { errorDetails: { message: result.error ?? 'The run failed.' }, metadata: { runId, status: result.status } };
    // The files the run changed: already on disk, journaled; the review shows and reverts them.
    try {
      const changes = await ctx.client.sendRequest(ChangesRequest, { runId, withContent: false });
      if (changes.files.length) {
        stream.markdown(`\n\n**Changed ${changes.files.length} file${changes.files.length === 1 ? '' : 's'}:**\n`);
        for (const f of changes.files) {
          const uri = uriOf(f.path);
          const what = [f.change, modeLabel(f)].filter(Boolean).join(', ');
          if (uri) stream.anchor(uri, `${f.path} (${what})`);
          else stream.markdown(`\`${f.path}\` (${what})`);
          stream.markdown('\n');
        }
        stream.button({ command: REVIEW, arguments: [runId], title: 'Review Changes' });
      }
    } catch (err) {
      ctx.log(`@swarmcode: swarm/changes failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { metadata: { runId, status: result.status } };
  };

  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'swarmcode.svg');
  return participant;
}
