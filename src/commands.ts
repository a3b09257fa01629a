// Contributed commands: swarmcode.newChat, swarmcode.stop, swarmcode.setApiKey, swarmcode.selectProvider.
import * as vscode from 'vscode';
import type { Ctx } from './context';
import { PresetsRequest } from '../server/protocol';
import { settingsForPreset } from './settings';

/** Quick pick of the server's endpoint presets; writes base URL, model, preset and dialect to the user settings. */
async function selectProvider(ctx: Ctx): Promise<void> {
  const presets = await ctx.client.sendRequest(PresetsRequest);
  const current = vscode.workspace.getConfiguration('swarmcode').get<string>('preset');
  const pick = await vscode.window.showQuickPick(
    presets.map((p) => ({
      label: p.label,
      description: p.id === current ? `${p.baseUrl} (current)` : p.baseUrl,
      detail: `${p.defaultModel} · ${p.dialect === 'raw_template' ? 'embedded engine' : `${p.dialect} dialect`}${p.contextWindow ? ` · ${p.contextWindow.toLocaleString('en-US')}-token window` : ''} — ${p.notes}`,
      preset: p,
    })),
    { title: 'SwarmCode: Select Provider', placeHolder: 'Endpoint for the model (base URL, model and dialect are filled in)', matchOnDetail: true },
  );
  if (!pick) return;
  const cfg = vscode.workspace.getConfiguration('swarmcode');
  for (const [key, value] of Object.entries(settingsForPreset(pick.preset))) await cfg.update(key, value, vscode.ConfigurationTarget.Global);
  ctx.log(`provider set to ${pick.preset.id} (${pick.preset.baseUrl}, ${pick.preset.defaultModel})`);
  if (pick.preset.keyRequired) {
    const choice = await vscode.window.showInformationMessage(`SwarmCode: ${pick.preset.label} needs an API key.`, 'Set API Key');
    if (choice) await vscode.commands.executeCommand('swarmcode.setApiKey');
  }
}

export function register(ctx: Ctx): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('swarmcode.newChat', () => ctx.chat.newChat()),
    vscode.commands.registerCommand('swarmcode.stop', () => ctx.chat.stop()),
    vscode.commands.registerCommand('swarmcode.selectProvider', () => selectProvider(ctx)),
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
