// "SwarmCode: Refactor across workspace…" (swarmcode.refactor): an instruction and an optional
// scope (glob and/or a text or regex marking the sites) → swarm/refactor. The server shards the
// sites over sub-agents (the Agents view shows them live), runs the tests, and the command ends in
// the review of the changed files.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { CancelRequest, RefactorRequest, type RefactorParams } from '../../server/protocol';
import { emptyResult } from '../chat/controller';
import type { Ctx } from '../context';
import { reviewQuietly, SHOW as SHOW_REVIEW } from '../review';
import { buildScope, describeScope, summarizeRefactor, type ScopeAnswers } from './scope';

export const COMMAND = 'swarmcode.refactor';

type ScopeChoice = vscode.QuickPickItem & { scope: 'all' | 'glob' | 'text' | 'regex' };

async function askScope(seed: string | undefined): Promise<ScopeAnswers | undefined> {
  const choice = await vscode.window.showQuickPick<ScopeChoice>(
    [
      { label: '$(search) Sites containing a text…', description: seed ? `e.g. "${seed}"` : 'a symbol, a call, an import', scope: 'text' },
      { label: '$(regex) Sites matching a regular expression…', description: 'ripgrep syntax', scope: 'regex' },
      { label: '$(file-code) Files matching a glob…', description: 'e.g. src/**/*.ts', scope: 'glob' },
      { label: '$(root-folder) The whole workspace', description: 'let the agents find the sites', scope: 'all' },
    ],
    { title: 'SwarmCode: Refactor across workspace — scope', placeHolder: 'Where are the sites to change?' },
  );
  if (!choice) return undefined;
  if (choice.scope === 'all') return {};
  const answers: ScopeAnswers = {};
  if (choice.scope !== 'glob') {
    const pattern = await vscode.window.showInputBox({
      title: `SwarmCode: Refactor — ${choice.scope === 'regex' ? 'regular expression' : 'text'} marking the sites`,
      value: seed ?? '',
      prompt: choice.scope === 'regex' ? 'ripgrep regex, e.g. \\bfetchUser\\(' : 'Every line containing this text is a site',
      validateInput: (v) => (v.trim() ? (choice.scope === 'regex' ? buildScope({ pattern: v, regex: true }).error : undefined) : 'Enter a text'),
    });
    if (pattern === undefined) return undefined;
    answers.pattern = pattern;
    answers.regex = choice.scope === 'regex';
  }
  const glob = await vscode.window.showInputBox({
    title: 'SwarmCode: Refactor — files',
    prompt: choice.scope === 'glob' ? 'Glob of the files to refactor, e.g. src/**/*.ts' : 'Only in files matching this glob (optional, e.g. src/**/*.ts)',
    validateInput: (v) => (choice.scope === 'glob' && !v.trim() ? 'Enter a glob' : undefined),
  });
  if (glob === undefined) return undefined;
  answers.glob = glob;
  return answers;
}

export async function refactorAcrossWorkspace(ctx: Ctx): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showErrorMessage('SwarmCode: open a folder first.');
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty && editor.selection.isSingleLine ? editor.document.getText(editor.selection).trim() : undefined;
  const instruction = await vscode.window.showInputBox({
    title: 'SwarmCode: Refactor across workspace',
    prompt: 'What should change everywhere? e.g. "Rename fetchUser to loadUser and update every caller"',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Describe the refactor'),
  });
  if (!instruction) return;
  const answers = await askScope(selected || undefined);
  if (!answers) return;
  const { scope, error } = buildScope(answers);
  if (error) {
    void vscode.window.showErrorMessage(`SwarmCode: ${error}`);
    return;
  }
  if (ctx.client.state !== State.Running) {
    void vscode.window.showErrorMessage('SwarmCode: the backend is not running yet; try again in a moment.');
    return;
  }
  const runId = randomUUID();
  const params: RefactorParams = { runId, instruction: instruction.trim(), ...(scope ? { scope } : {}) };
  reviewQuietly(runId);
  ctx.log(`refactor ${runId}: "${params.instruction}" over ${describeScope(scope)}`);
  // The run's events (tool cards, sub-agent lanes, final text) also show in the chat panel.
  const endChatRun = ctx.chat.trackRun(runId, `Refactor across workspace (${describeScope(scope)}): ${params.instruction}`, params.instruction);
  let cancelled = false;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SwarmCode refactor (${describeScope(scope)})`, cancellable: true },
      (progress, token) => {
        progress.report({ message: 'finding the sites…' });
        let agents = 0;
        let finished = 0;
        const sub = ctx.chat.onDidEvent(({ runId: id, event }) => {
          if (id !== runId) return;
          switch (event.type) {
            case 'agent_spawned':
              // The server's fix rounds: the tests failed on the merged result and a shard is fixing it.
              if (event.name.startsWith('fix-')) {
                progress.report({ message: `tests failed; ${event.name.slice(4)} is fixing its files…` });
                return;
              }
              agents++;
              break;
            case 'agent_finished':
              if (event.agentId.startsWith('fix-')) return;
              finished++;
              break;
            case 'run_finished':
              progress.report({ message: event.status });
              return;
            case 'tool_called':
              if (event.agentId === 'main' && agents === 0) progress.report({ message: `${event.name}…` });
              return;
            default:
              return;
          }
          progress.report({ message: `${finished}/${agents} shards done` });
        });
        token.onCancellationRequested(() => {
          cancelled = true;
          void ctx.client.sendRequest(CancelRequest, { runId }).catch(() => undefined);
        });
        return ctx.client.sendRequest(RefactorRequest, params, token).finally(() => sub.dispose());
      },
    );
    endChatRun?.(result);
    const { line, details } = summarizeRefactor(result);
    for (const d of details) ctx.log(d);
    if (result.changedFiles.length === 0) {
      const show = result.status === 'failed' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
      void show(`SwarmCode: ${line}`);
      return;
    }
    await vscode.commands.executeCommand(SHOW_REVIEW, runId);
    const failed = result.status === 'failed' || (result.tests && !result.tests.passed);
    const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = await show(`SwarmCode: ${line}`, 'Accept All', 'Undo', 'Show Log');
    if (choice === 'Accept All') await vscode.commands.executeCommand('swarmcode.review.acceptAll', { kind: 'run', runId });
    else if (choice === 'Undo') await vscode.commands.executeCommand('swarmcode.review.reject', { kind: 'run', runId });
    else if (choice === 'Show Log') ctx.output.show(true);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    endChatRun?.(emptyResult(runId, cancelled ? 'cancelled' : 'failed', cancelled ? undefined : message));
    if (cancelled) return;
    void vscode.window.showErrorMessage(`SwarmCode: refactor failed: ${message}`);
  }
}

export function register(ctx: Ctx): vscode.Disposable {
  return vscode.commands.registerCommand(COMMAND, () => refactorAcrossWorkspace(ctx));
}
