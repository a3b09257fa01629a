// What the chat knows about the editor: the active file and selection (the context chip), the last
// terminal command's output (shell integration), and the turning of the composer's context
// references (webview/messages.ts ContextRef) into swarm/run attachments.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Attachment } from '../../server/protocol';
import type { ContextRef, EditorContext } from '../../webview/messages';
import { formatDiagnostics, stripAnsi, tail } from './context-text';

const TERMINAL_KEEP_CHARS = 50_000;
const TERMINAL_WAIT_MS = 1000;

interface TerminalRun {
  command: string;
  exitCode: number | undefined;
  output: Promise<string>;
}

/** Workspace-relative path (forward slashes) of a file in the first workspace folder, else undefined. */
export function workspacePath(uri: vscode.Uri): string | undefined {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root || uri.scheme !== 'file') return undefined;
  const rel = path.relative(root.fsPath, uri.fsPath);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

export class EditorContextFeed implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The last file editor the user was in (focusing the chat panel does not forget it). */
  private editor: vscode.TextEditor | undefined;
  private lastTerminal: TerminalRun | undefined;
  private readonly reading = new Map<vscode.TerminalShellExecution, Promise<string>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly post: (enabled: boolean, context: EditorContext | undefined) => void) {
    this.editor = vscode.window.activeTextEditor;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.editor = e;
        else if (this.editor && !vscode.window.visibleTextEditors.includes(this.editor)) this.editor = undefined;
        this.send();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor !== this.editor) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.send(), 100);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('swarmcode.chat.editorContext')) this.send();
      }),
      // Shell integration: read each command's output from its start (read() only sees later data).
      vscode.window.onDidStartTerminalShellExecution((e) => {
        this.reading.set(e.execution, collect(e.execution.read()));
      }),
      vscode.window.onDidEndTerminalShellExecution((e) => {
        const output = this.reading.get(e.execution) ?? Promise.resolve('');
        this.reading.delete(e.execution);
        this.lastTerminal = { command: e.execution.commandLine.value, exitCode: e.exitCode, output };
      }),
    );
  }

  /** The last file editor the user was in. */
  get lastEditor(): vscode.TextEditor | undefined {
    return this.editor;
  }

  private get enabled(): boolean {
    return vscode.workspace.getConfiguration('swarmcode').get<boolean>('chat.editorContext', true);
  }

  current(): EditorContext | undefined {
    const e = this.editor;
    const p = e && workspacePath(e.document.uri);
    if (!e || !p) return undefined;
    const s = e.selection;
    if (s.isEmpty) return { path: p };
    // A selection that ends at column 0 of a line does not take that line.
    const endLine = s.end.character === 0 && s.end.line > s.start.line ? s.end.line : s.end.line + 1;
    return { path: p, selection: { startLine: s.start.line + 1, endLine } };
  }

  send(): void {
    this.post(this.enabled, this.current());
  }

  /** The composer's references → swarm/run attachments (paths, symbols and git are resolved by the server). */
  async attachments(refs: ContextRef[]): Promise<Attachment[]> {
    const out: Attachment[] = [];
    for (const r of refs) {
      switch (r.kind) {
        case 'path':
        case 'symbol':
        case 'git':
          out.push(r);
          break;
        case 'problems':
          out.push({ kind: 'text', source: 'problems', label: 'errors and warnings in the workspace', text: formatDiagnostics(vscode.languages.getDiagnostics(), workspacePath) });
          break;
        case 'terminal':
          out.push(await this.terminal());
          break;
        case 'selection':
          out.push(this.selection() ?? { kind: 'text', source: 'selection', label: 'no selection', text: '(nothing is selected in the editor)' });
          break;
        case 'editor': {
          const ctx = this.current();
          if (!ctx || !this.enabled) break;
          out.push({ kind: 'path', path: ctx.path });
          const sel = this.selection();
          if (sel) out.push(sel);
          break;
        }
      }
    }
    return out;
  }

  private selection(): Attachment | undefined {
    const e = this.editor;
    const ctx = this.current();
    if (!e || e.selection.isEmpty) return undefined;
    const where = ctx?.selection ? `${ctx.path}:${ctx.selection.startLine}-${ctx.selection.endLine}` : vscode.workspace.asRelativePath(e.document.uri);
    return { kind: 'text', source: 'selection', label: where, text: e.document.getText(e.selection), language: e.document.languageId };
  }

  private async terminal(): Promise<Attachment> {
    const t = this.lastTerminal;
    if (!t) {
      return { kind: 'text', source: 'terminal', label: 'no command', text: '(no terminal command has finished since the window opened, or the shell has no shell integration)' };
    }
    const timeout = new Promise<string>((r) => setTimeout(() => r(''), TERMINAL_WAIT_MS));
    const output = stripAnsi(await Promise.race([t.output, timeout]));
    const code = t.exitCode === undefined ? '' : `, exit ${t.exitCode}`;
    return { kind: 'text', source: 'terminal', label: `$ ${t.command}${code}`, text: tail(output, TERMINAL_KEEP_CHARS) || '(no output)' };
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** A command's output, keeping at most twice the cap while it streams. */
async function collect(stream: AsyncIterable<string>): Promise<string> {
  let out = '';
  try {
    for await (const chunk of stream) {
      out += chunk;
      if (out.length > 2 * TERMINAL_KEEP_CHARS) out = out.slice(-TERMINAL_KEEP_CHARS);
    }
  } catch {
    // the terminal went away: keep what was read
  }
  return out;
}
