// Hunk actions in the editor: a CodeLens "Accept hunk · Reject hunk" above each pending hunk of a
// file a run changed (from swarm/changes), and the commands behind it (also bound to keys: they
// act on the hunk under the cursor).
import * as vscode from 'vscode';
import type { ChangeHunk } from '../../server/protocol';
import { hunkAt, lensLine, type ReviewModel } from './model';
import { serverPath } from '../roots';

export const ACCEPT_HUNK = 'swarmcode.review.acceptHunk';
export const REJECT_HUNK = 'swarmcode.review.rejectHunk';

export interface HunkRef {
  runId: string;
  path: string;
  id: string;
}

/** A file's path as the server names it (`name/…` in a multi-root workspace). */
export function relativePath(uri: vscode.Uri): string | undefined {
  return serverPath(uri);
}

/** Pending hunks of a workspace file, across the listed runs. */
function hunksOf(model: ReviewModel, rel: string): { runId: string; hunk: ChangeHunk }[] {
  const out: { runId: string; hunk: ChangeHunk }[] = [];
  for (const run of model.list()) {
    if (run.state === 'active') continue;
    for (const hunk of run.files.find((f) => f.path === rel)?.hunks ?? []) out.push({ runId: run.runId, hunk });
  }
  return out;
}

/** The hunk under the cursor of the active editor. */
export function hunkUnderCursor(model: ReviewModel): HunkRef | undefined {
  const editor = vscode.window.activeTextEditor;
  const rel = editor && relativePath(editor.document.uri);
  if (!editor || !rel) return undefined;
  const line = editor.selection.active.line + 1;
  for (const run of model.list()) {
    const file = run.files.find((f) => f.path === rel);
    const h = file && hunkAt(file, line);
    if (h) return { runId: run.runId, path: rel, id: h.id };
  }
  return undefined;
}

export class HunkLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly model: ReviewModel) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const rel = relativePath(doc.uri);
    if (!rel) return [];
    return hunksOf(this.model, rel).flatMap(({ runId, hunk }) => {
      const line = Math.min(lensLine(hunk), Math.max(0, doc.lineCount - 1));
      const range = new vscode.Range(line, 0, line, 0);
      const ref: HunkRef = { runId, path: rel, id: hunk.id };
      const counts = `+${hunk.added} −${hunk.removed}`;
      return [
        new vscode.CodeLens(range, { title: `$(check) Accept hunk (${counts})`, command: ACCEPT_HUNK, arguments: [ref], tooltip: 'Keep this change (SwarmCode)' }),
        new vscode.CodeLens(range, { title: '$(discard) Reject hunk', command: REJECT_HUNK, arguments: [ref], tooltip: 'Put these lines back as they were before the run' }),
      ];
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
