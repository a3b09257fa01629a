// MCP on the extension side: the workspace's .vscode/mcp.json goes to the server only in a
// trusted workspace (its text; the server parses and validates it), and each of its servers'
// first start is confirmed by the user (`swarm/mcpConfirm`, remembered per configuration).
import * as vscode from 'vscode';
import { McpConfirmRequest, type McpConfirmParams } from '../server/protocol';
import type { Ctx } from './context';

const MAX_FILE_BYTES = 1_000_000;

async function readWorkspaceConfig(log: (m: string) => void): Promise<string> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || !vscode.workspace.isTrusted) return '';
  const uri = vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json');
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > MAX_FILE_BYTES) {
      log(`.vscode/mcp.json is over ${MAX_FILE_BYTES} bytes; ignored`);
      return '';
    }
    return new TextDecoder().decode(bytes);
  } catch {
    return '';
  }
}

/** Memento key of a yes for this server with this exact configuration. */
export function confirmKey(p: McpConfirmParams): string {
  return `swarmcode.mcp.allowed.${p.server}.${p.fingerprint}`;
}

export function register(ctx: Ctx): vscode.Disposable {
  const refresh = async () => ctx.config.setWorkspaceMcp(await readWorkspaceConfig(ctx.log));
  const disposables: vscode.Disposable[] = [];
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.vscode/mcp.json'));
    disposables.push(watcher, watcher.onDidChange(refresh), watcher.onDidCreate(refresh), watcher.onDidDelete(refresh));
  }
  disposables.push(vscode.workspace.onDidGrantWorkspaceTrust(refresh));
  disposables.push(
    ctx.client.onRequest(McpConfirmRequest, async (params) => {
      const state = ctx.extension.workspaceState;
      if (!vscode.workspace.isTrusted) return { approved: false };
      if (state.get<boolean>(confirmKey(params))) return { approved: true };
      const choice = await vscode.window.showWarningMessage(
        `Start the MCP server "${params.server}" from this workspace's .vscode/mcp.json?`,
        { modal: true, detail: `It will run: ${params.target}\n\nOnly start servers from workspaces you trust. SwarmCode asks again when its configuration changes.` },
        'Start',
      );
      const approved = choice === 'Start';
      if (approved) await state.update(confirmKey(params), true);
      ctx.log(`MCP server ${params.server} from .vscode/mcp.json ${approved ? 'allowed' : 'not allowed'}`);
      return { approved };
    }),
  );
  void refresh();
  return vscode.Disposable.from(...disposables);
}
