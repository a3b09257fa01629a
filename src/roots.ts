// Workspace-relative paths as the server names them (server/workspace/roots.ts): plain with one
// workspace folder, `name/…` with several, where `name` is the folder's name made unique the
// same way (`-2`, `-3`, … for a name already taken, compared case-insensitively).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { folderNames } from './folder-names';

function folders(): { uri: vscode.Uri; name: string }[] {
  const list = vscode.workspace.workspaceFolders ?? [];
  const names = folderNames(list.map((f) => f.name || path.basename(f.uri.fsPath)));
  return list.map((f, i) => ({ uri: f.uri, name: names[i] }));
}

/** The file a server path names, or undefined (no folder open, or no folder of that name). */
export function workspaceUri(file: string): vscode.Uri | undefined {
  const all = folders();
  const parts = file.split('/').filter((p) => p && p !== '.');
  if (all.length <= 1) return all[0] ? vscode.Uri.joinPath(all[0].uri, ...parts) : undefined;
  const root = all.find((f) => f.name === parts[0]) ?? all.find((f) => f.name.toLowerCase() === parts[0]?.toLowerCase());
  return root ? vscode.Uri.joinPath(root.uri, ...parts.slice(1)) : undefined;
}

/** A file's path as the server names it, or undefined when it is in no workspace folder. */
export function serverPath(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== 'file') return undefined;
  const all = folders();
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return undefined;
  const rel = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  if (all.length <= 1) return rel || undefined;
  const name = all.find((f) => f.uri.toString() === folder.uri.toString())?.name;
  return name ? (rel ? `${name}/${rel}` : name) : undefined;
}
