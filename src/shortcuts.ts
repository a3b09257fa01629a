// Keyboard-first commands (package.json `keybindings`, the walkthrough): focus the chat, add the
// editor selection to the composer, run the doctor, and the `swarmcode.running` context key that
// scopes the stop key to a running run.
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import { VIEW_ID } from './chat/view';
import type { Ctx } from './context';
import { selectionSnippet } from './chat/snippet';

export const FOCUS_CHAT = 'swarmcode.focusChat';
export const ADD_SELECTION = 'swarmcode.addSelectionToChat';
export const DOCTOR = 'swarmcode.doctor';

function focusChat(): Thenable<unknown> {
  return vscode.commands.executeCommand(`${VIEW_ID}.focus`);
}

async function addSelection(ctx: Ctx): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const sel = editor.selection;
  const range = sel.isEmpty ? editor.document.lineAt(sel.active.line).range : sel;
  const text = editor.document.getText(range);
  if (!text.trim()) return;
  const rel = vscode.workspace.asRelativePath(editor.document.uri, false);
  ctx.chat.insertIntoComposer(selectionSnippet(rel, editor.document.languageId, range.start.line + 1, range.end.line + 1 - (range.end.character === 0 && range.end.line > range.start.line ? 1 : 0), text));
  await focusChat();
}

/** `swarmcode doctor` (dist/cli.js) against the configured endpoint; the report goes to the output channel. */
async function doctor(ctx: Ctx): Promise<void> {
  const s = ctx.config.current();
  const cli = vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist', 'cli.js').fsPath;
  const args = [cli, 'doctor', '--base-url', s.baseUrl, '--model', s.model, ...(s.localModelPath ? ['--model-path', s.localModelPath] : [])];
  // The key goes to the child in its own variable (never on the command line, never logged).
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...(s.apiKey ? { SWARMCODE_DOCTOR_KEY: s.apiKey } : {}) };
  if (s.apiKey) args.push('--api-key-env', 'SWARMCODE_DOCTOR_KEY');
  ctx.output.show(true);
  ctx.log(`doctor: checking ${s.baseUrl} (${s.model})…`);
  const code = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'SwarmCode: checking the model endpoint…' }, () =>
    new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d: Buffer) => ctx.output.append(d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => ctx.output.append(d.toString('utf8')));
      child.on('error', (err) => (ctx.log(`doctor could not start: ${err.message}`), resolve(null)));
      child.on('exit', (c) => resolve(c));
    }),
  );
  if (code === 0) void vscode.window.showInformationMessage('SwarmCode doctor: the endpoint works (details in the SwarmCode output).');
  else void vscode.window.showWarningMessage('SwarmCode doctor found problems: see the SwarmCode output for what to fix.');
}

export function register(ctx: Ctx): vscode.Disposable {
  const running = new Set<string>();
  const setRunning = () => void vscode.commands.executeCommand('setContext', 'swarmcode.running', running.size > 0);
  return vscode.Disposable.from(
    vscode.commands.registerCommand(FOCUS_CHAT, () => focusChat()),
    vscode.commands.registerCommand(ADD_SELECTION, () => addSelection(ctx)),
    vscode.commands.registerCommand(DOCTOR, () => doctor(ctx)),
    ctx.chat.onDidEvent(({ runId, event }) => {
      if (event.type === 'run_started' && event.agentId === 'main') running.add(runId);
      else if (event.type === 'run_finished') running.delete(runId);
      else return;
      setRunning();
    }),
  );
}
