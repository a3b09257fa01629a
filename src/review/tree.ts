// The "SwarmCode Changes" view (swarmcode.changes): runs with undecided edits, their files, and
// the read-only `swarmcode-checkpoint:` documents the diff editor shows on its left side.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChangedFile } from '../../server/protocol';
import { shortTask } from '../agents/model';
import { CHECKPOINT_SCHEME, changeLetter, checkpointUriParts, hunkLabel, lineDelta, modeLabel, parseCheckpointUri, type PendingRun, type ReviewModel } from './model';
import { workspaceUri } from '../roots';

export const VIEW_ID = 'swarmcode.changes';
export const OPEN_DIFF = 'swarmcode.review.openDiff';

export type ReviewNode = { kind: 'run'; runId: string } | { kind: 'file'; runId: string; path: string } | { kind: 'hunk'; runId: string; path: string; id: string } | { kind: 'worktree'; runId: string; path: string };

// The file a server path names (`name/…` in a multi-root workspace).
export { workspaceUri };

export function checkpointUri(runId: string, file: string, side: 'original' | 'empty' = 'original'): vscode.Uri {
  const { path: p, query } = checkpointUriParts(runId, file, side);
  return vscode.Uri.from({ scheme: CHECKPOINT_SCHEME, path: p, query });
}

export class ChangesTree implements vscode.TreeDataProvider<ReviewNode> {
  private readonly changed = new vscode.EventEmitter<ReviewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly model: ReviewModel) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: ReviewNode): ReviewNode[] {
    if (!node) return this.model.list().map((r) => ({ kind: 'run', runId: r.runId }));
    if (node.kind === 'hunk' || node.kind === 'worktree') return [];
    if (node.kind === 'file') return (this.model.file(node.runId, node.path)?.hunks ?? []).map((h) => ({ kind: 'hunk', runId: node.runId, path: node.path, id: h.id }));
    const run = this.model.get(node.runId);
    const files: ReviewNode[] = (run?.files ?? []).map((f) => ({ kind: 'file', runId: node.runId, path: f.path }));
    return [...files, ...(run?.kept ?? []).map((k): ReviewNode => ({ kind: 'worktree', runId: node.runId, path: k.path }))];
  }

  getParent(node: ReviewNode): ReviewNode | undefined {
    if (node.kind === 'hunk') return { kind: 'file', runId: node.runId, path: node.path };
    if (node.kind === 'worktree') return { kind: 'run', runId: node.runId };
    return node.kind === 'file' ? { kind: 'run', runId: node.runId } : undefined;
  }

  getTreeItem(node: ReviewNode): vscode.TreeItem {
    if (node.kind === 'run') {
      const run = this.model.get(node.runId);
      return run ? runItem(run) : new vscode.TreeItem('(decided)');
    }
    if (node.kind === 'worktree') return worktreeItem(node, this.model.get(node.runId)?.kept?.find((k) => k.path === node.path)?.reasons ?? []);
    const file = this.model.file(node.runId, node.path);
    if (node.kind === 'hunk') return file ? hunkItem(node, file) : new vscode.TreeItem(node.id);
    return file ? fileItem(node.runId, file) : new vscode.TreeItem(node.path);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function runItem(run: PendingRun): vscode.TreeItem {
  const item = new vscode.TreeItem(shortTask(run.task || run.runId), vscode.TreeItemCollapsibleState.Expanded);
  item.id = `review:${run.runId}`;
  const n = run.files.length;
  item.description = `${n} file${n === 1 ? '' : 's'}${run.state === 'finished' ? '' : ` · ${run.state}`}`;
  item.iconPath = new vscode.ThemeIcon(run.state === 'interrupted' ? 'warning' : 'history');
  item.contextValue = run.state === 'active' ? 'swarmcode.review.activeRun' : 'swarmcode.review.run';
  item.tooltip = new vscode.MarkdownString(`**Run** \`${run.runId}\` (${run.state})\n\n`).appendText(run.task);
  return item;
}

function fileItem(runId: string, file: ChangedFile): vscode.TreeItem {
  const uri = workspaceUri(file.path);
  const item = new vscode.TreeItem(path.posix.basename(file.path), file.hunks?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `review:${runId}:${file.path}`;
  if (uri) item.resourceUri = uri;
  const dir = path.posix.dirname(file.path);
  const delta = lineDelta(file);
  const parts = [changeLetter(file.change)];
  const mode = modeLabel(file);
  // A change of mode alone shows no "+0 −0".
  if (delta && !(mode && delta.added === 0 && delta.removed === 0)) parts.push(`+${delta.added} −${delta.removed}`);
  if (mode) parts.push(mode);
  if (file.binary) parts.push('binary');
  if (file.viaEditor) parts.push('unsaved buffer');
  if (dir !== '.') parts.push(dir);
  item.description = parts.join(' · ');
  item.tooltip = `${file.path} — ${file.change}${mode ? ` (${mode})` : ''}${file.viaEditor ? ' (in the editor buffer)' : ''}`;
  item.contextValue = 'swarmcode.review.file';
  item.command = { command: OPEN_DIFF, title: 'Open Changes', arguments: [{ kind: 'file', runId, path: file.path } satisfies ReviewNode] };
  return item;
}

function worktreeItem(node: { runId: string; path: string }, reasons: string[]): vscode.TreeItem {
  const item = new vscode.TreeItem(`Kept worktree: ${path.basename(node.path)}`, vscode.TreeItemCollapsibleState.None);
  item.id = `review:${node.runId}:worktree:${node.path}`;
  item.description = `${reasons.length} not merged`;
  item.tooltip = `${node.path}\n${reasons.join('\n')}`;
  item.iconPath = new vscode.ThemeIcon('repo-forked');
  item.contextValue = 'swarmcode.review.worktree';
  item.resourceUri = vscode.Uri.file(node.path);
  return item;
}

function hunkItem(node: { runId: string; path: string; id: string }, file: ChangedFile): vscode.TreeItem {
  const h = file.hunks?.find((x) => x.id === node.id);
  const item = new vscode.TreeItem(h ? hunkLabel(h) : node.id, vscode.TreeItemCollapsibleState.None);
  item.id = `review:${node.runId}:${node.path}#${node.id}`;
  if (h) item.description = `+${h.added} −${h.removed}`;
  item.contextValue = 'swarmcode.review.hunk';
  item.command = { command: OPEN_DIFF, title: 'Open Changes', arguments: [{ kind: 'file', runId: node.runId, path: node.path } satisfies ReviewNode] };
  return item;
}

/** Serves a run's checkpoint text of a file (read-only). `load` fetches it when it is not cached. */
export class CheckpointContent implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly model: ReviewModel,
    private readonly load: (runId: string) => Promise<ChangedFile[] | undefined>,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseCheckpointUri(uri.path, uri.query);
    if (!parsed || parsed.side === 'empty') return '';
    let file = this.model.file(parsed.runId, parsed.path);
    if (!file || (file.original === undefined && file.change !== 'added')) {
      file = (await this.load(parsed.runId))?.find((f) => f.path === parsed.path) ?? file;
    }
    if (!file) return `(no checkpoint of ${parsed.path} in run ${parsed.runId}: it was accepted or rejected)`;
    if (file.binary) return '(binary file: no text diff)';
    return file.original ?? '';
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export async function openDiff(runId: string, file: ChangedFile): Promise<void> {
  const right = file.change === 'deleted' ? checkpointUri(runId, file.path, 'empty') : workspaceUri(file.path);
  if (!right) return;
  const left = checkpointUri(runId, file.path, file.change === 'added' ? 'empty' : 'original');
  const name = path.posix.basename(file.path);
  const what = file.change === 'added' ? 'added' : file.change === 'deleted' ? 'deleted' : 'before ↔ after';
  await vscode.commands.executeCommand('vscode.diff', left, right, `${name} (SwarmCode: ${what})`, { preview: true });
}
