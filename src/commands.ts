// Contributed commands: swarmcode.newChat, swarmcode.stop, swarmcode.setApiKey.
import * as vscode from 'vscode';
import type { Ctx } from './context';

export function register(ctx: Ctx): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('swarmcode.newChat', () => ctx.chat.newChat()),
    vscode.commands.registerCommand('swarmcode.stop', () => ctx.chat.stop()),
    vscode.commands.registerCommand('swarmcode.setApiKey', async () => {
      const key = await vscode.window.showInputBox({
        title: 'SwarmCode: API key',
        prompt: 'API key for the model endpoint (stored in VS Code SecretStorage). Leave empty to remove it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (key === undefined) return; // dismissed
      await ctx.config.setApiKey(key.trim() || undefined);
      ctx.log(key.trim() ? 'API key stored' : 'API key removed');
      void vscode.window.showInformationMessage(key.trim() ? 'SwarmCode: API key stored.' : 'SwarmCode: API key removed.');
    }),
  );
}
