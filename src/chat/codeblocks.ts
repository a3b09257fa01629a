// The buttons on the transcript's code blocks: copy (the clipboard), insert (at the cursor of the
// last file editor, replacing its selection) and apply (the block becomes the target file's text,
// or replaces its selection, through a WorkspaceEdit whose change annotation needs confirmation:
// VS Code's refactor preview shows the diff and nothing changes until the user applies it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { workspacePath } from './editor-context';

export interface CodeBlockAction {
  action: 'copy' | 'insert' | 'apply';
  code: string;
  /** A workspace-relative path named in the fence's info string (```ts src/a.ts). */
  path?: string;
}

/** The editor to insert into: the active one, else the last visible file editor. */
function targetEditor(last: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active) return active;
  return last && vscode.window.visibleTextEditors.includes(last) ? last : vscode.window.visibleTextEditors[0];
}

/** Returns a message for the user when the action could not be done, else undefined. */
export async function runCodeBlockAction(a: CodeBlockAction, lastEditor: vscode.TextEditor | undefined): Promise<string | undefined> {
  if (a.action === 'copy') {
    await vscode.env.clipboard.writeText(a.code);
    return undefined;
  }
  const editor = targetEditor(lastEditor);
  if (a.action === 'insert') {
    if (!editor) return 'Open a file to insert the code into.';
    const ok = await editor.edit((b) => b.replace(editor.selection, a.code));
    return ok ? undefined : 'The editor refused the insert.';
  }
  // apply
  let uri: vscode.Uri | undefined;
  if (a.path) {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!root) return 'Open a folder to apply code to a file.';
    uri = vscode.Uri.file(path.resolve(root.fsPath, a.path));
    if (!workspacePath(uri)) return `Not applying to ${a.path}: it is outside the workspace.`;
  } else if (editor) {
    uri = editor.document.uri;
  }
  if (!uri) return 'Open the file to apply the code to (or name it after the language: ```ts src/file.ts).';
  const edit = new vscode.WorkspaceEdit();
  const annotation: vscode.WorkspaceEditEntryMetadata = { label: 'Apply code block from SwarmCode chat', needsConfirmation: true };
  let doc: vscode.TextDocument | undefined;
  try {
    doc = await vscode.workspace.openTextDocument(uri);
  } catch {
    doc = undefined;
  }
  if (!doc) {
    edit.createFile(uri, { ignoreIfExists: true, contents: new TextEncoder().encode(a.code) }, annotation);
  } else {
    const sel = editor && editor.document.uri.toString() === uri.toString() && !editor.selection.isEmpty ? editor.selection : undefined;
    const range = sel ?? new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
    edit.replace(uri, range, a.code, annotation);
  }
  // false when the user discards it in the preview: nothing to report.
  await vscode.workspace.applyEdit(edit, { isRefactoring: true });
  return undefined;
}
