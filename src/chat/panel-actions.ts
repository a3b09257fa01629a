// Actions the chat panel asks of the workbench: open a file a reply links to, offer model set-up.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { workspaceUri } from '../roots';

/** Opens a workspace file (links in the model's markdown); paths outside the workspace are refused. */
export async function openFile(file: string, line: number | undefined, error: (message: string) => void): Promise<void> {
  // Relative: as the server names it (`name/…` in a multi-root workspace).
  const uri = path.isAbsolute(file) ? vscode.Uri.file(path.resolve(file)) : workspaceUri(file) ?? vscode.Uri.file(path.resolve(file));
  if (!vscode.workspace.getWorkspaceFolder(uri)) {
    error(`Not opening ${file}: it is outside the workspace.`);
    return;
  }
  try {
    const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), preview: true });
  } catch (err) {
    error(`Cannot open ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** No model is usable: offers to set the key or open the settings. */
export function offerModelSetup(): void {
  void vscode.window
    .showErrorMessage('SwarmCode: no model is usable. Set an API key, or point SwarmCode at a local GGUF or a self-hosted endpoint.', 'Set API Key', 'Open Settings')
    .then((choice) => {
      if (choice === 'Set API Key') void vscode.commands.executeCommand('swarmcode.setApiKey');
      else if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'swarmcode.');
    });
}
