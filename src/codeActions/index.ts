// Code actions on selections (issue 4): Explain, Fix, Refactor, Write tests on a non-empty
// selection, and "Fix with SwarmCode" for diagnostics. Each sends the code, its file, line range,
// language and diagnostics to a chat run in the SwarmCode panel. The same actions are commands
// (swarmcode.explainSelection, …) for the command palette and the editor context menu.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { INTENT_TITLES, buildPrompt, clipSelection, type SelectionContext, type SelectionIntent } from './prompt';

export const COMMANDS: Record<SelectionIntent, string> = {
  explain: 'swarmcode.explainSelection',
  fix: 'swarmcode.fixSelection',
  refactor: 'swarmcode.refactorSelection',
  tests: 'swarmcode.writeTests',
  fixDiagnostic: 'swarmcode.fixDiagnostic',
};

const KINDS: Record<Exclude<SelectionIntent, 'fixDiagnostic'>, vscode.CodeActionKind> = {
  explain: vscode.CodeActionKind.Empty,
  fix: vscode.CodeActionKind.QuickFix,
  refactor: vscode.CodeActionKind.RefactorRewrite,
  tests: vscode.CodeActionKind.Empty,
};

/** Lines of context around a diagnostic when nothing is selected. */
const DIAGNOSTIC_CONTEXT_LINES = 3;

/** What a code action passes to its command. */
interface ActionArgs {
  uri: vscode.Uri;
  range: vscode.Range;
  diagnostic?: vscode.Diagnostic;
}

const SEVERITY = ['error', 'warning', 'info', 'hint'];

export class SwarmCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite, vscode.CodeActionKind.Empty];

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return [];
    const actions: vscode.CodeAction[] = [];
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind) || (kind === vscode.CodeActionKind.Empty && context.only.value === '');
    if (wants(vscode.CodeActionKind.QuickFix)) {
      for (const diagnostic of context.diagnostics.slice(0, 3)) {
        const short = diagnostic.message.split('\n')[0]!.slice(0, 60);
        const action = new vscode.CodeAction(context.diagnostics.length > 1 ? `Fix with SwarmCode: ${short}` : 'Fix with SwarmCode', vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.command = { command: COMMANDS.fixDiagnostic, title: 'Fix with SwarmCode', arguments: [{ uri: document.uri, range: range.isEmpty ? diagnostic.range : range, diagnostic } satisfies ActionArgs] };
        actions.push(action);
      }
    }
    if (!range.isEmpty) {
      for (const intent of ['explain', 'fix', 'refactor', 'tests'] as const) {
        if (!wants(KINDS[intent])) continue;
        const action = new vscode.CodeAction(INTENT_TITLES[intent], KINDS[intent]);
        action.command = { command: COMMANDS[intent], title: INTENT_TITLES[intent], arguments: [{ uri: document.uri, range } satisfies ActionArgs] };
        actions.push(action);
      }
    }
    return actions;
  }
}

/** The selection (or the lines around a diagnostic) as the prompt's context. */
export function selectionContext(document: vscode.TextDocument, range: vscode.Range, diagnostic?: vscode.Diagnostic): SelectionContext {
  let r = range;
  if (r.isEmpty && diagnostic) {
    const start = Math.max(0, diagnostic.range.start.line - DIAGNOSTIC_CONTEXT_LINES);
    const end = Math.min(document.lineCount - 1, diagnostic.range.end.line + DIAGNOSTIC_CONTEXT_LINES);
    r = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
  }
  // A selection ending at column 0 of a line does not include that line.
  const endLine = r.end.character === 0 && r.end.line > r.start.line ? r.end.line - 1 : r.end.line;
  const on = diagnostic ? [diagnostic] : vscode.languages.getDiagnostics(document.uri).filter((d) => d.range.intersection(r) && d.severity <= vscode.DiagnosticSeverity.Warning);
  return {
    path: document.uri.scheme === 'file' ? vscode.workspace.asRelativePath(document.uri, false) : document.uri.toString(),
    startLine: r.start.line + 1,
    endLine: endLine + 1,
    languageId: document.languageId,
    text: clipSelection(document.getText(r)),
    ...(on.length
      ? {
          diagnostics: on.slice(0, 10).map((d) => ({
            message: d.message,
            severity: SEVERITY[d.severity],
            ...(d.source ? { source: d.source } : {}),
            ...(d.code !== undefined ? { code: typeof d.code === 'object' ? d.code.value : d.code } : {}),
            line: d.range.start.line + 1,
          })),
        }
      : {}),
  };
}

/** Focuses the chat panel and starts the run there. */
export async function runInChat(ctx: Ctx, prompt: string): Promise<void> {
  if (ctx.chat.busy) {
    const choice = await vscode.window.showWarningMessage('SwarmCode: a run is in progress. Stop it first.', 'Stop');
    if (choice) ctx.chat.stop();
    return;
  }
  await vscode.commands.executeCommand('swarmcode.chat.focus');
  ctx.log(`code action: starting a chat run (${prompt.length} chars)`);
  void ctx.chat.startRun(prompt, { newChat: true }).catch((err: unknown) => ctx.log(`code action run failed: ${String(err)}`));
}

async function runIntent(ctx: Ctx, intent: SelectionIntent, args?: ActionArgs): Promise<void> {
  let document: vscode.TextDocument;
  let range: vscode.Range;
  if (args?.uri && args.range) {
    document = await vscode.workspace.openTextDocument(args.uri);
    range = args.range;
  } else {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('SwarmCode: open a file and select some code first.');
      return;
    }
    document = editor.document;
    range = editor.selection;
    if (range.isEmpty && intent !== 'fixDiagnostic') {
      void vscode.window.showInformationMessage('SwarmCode: select some code first.');
      return;
    }
  }
  let diagnostic = args?.diagnostic;
  if (intent === 'fixDiagnostic' && !diagnostic) {
    const pos = range.start;
    diagnostic = vscode.languages.getDiagnostics(document.uri).find((d) => d.range.contains(pos)) ?? vscode.languages.getDiagnostics(document.uri)[0];
    if (!diagnostic) {
      void vscode.window.showInformationMessage('SwarmCode: no problem reported in this file.');
      return;
    }
    if (range.isEmpty) range = diagnostic.range;
  }
  const context = selectionContext(document, range, diagnostic);
  if (intent === 'refactor' && !args) {
    const how = await vscode.window.showInputBox({ title: 'SwarmCode: Refactor selection', prompt: 'How should it change? (optional; Enter for a general cleanup)' });
    if (how === undefined) return;
    if (how.trim()) context.instruction = how;
  }
  await runInChat(ctx, buildPrompt(intent, context));
}

export function register(ctx: Ctx): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled' }], new SwarmCodeActions(), {
      providedCodeActionKinds: SwarmCodeActions.kinds,
    }),
    ...(Object.keys(COMMANDS) as SelectionIntent[]).map((intent) =>
      vscode.commands.registerCommand(COMMANDS[intent], (args?: ActionArgs) => runIntent(ctx, intent, args && 'uri' in args ? args : undefined)),
    ),
  );
}
