// VS Code's own chat: the `@swarmcode` participant in the Chat view, and the configured endpoint's
// models offered to other extensions through vscode.lm.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import * as lmProvider from './lm-provider';
import * as participant from './participant';

export function register(ctx: Ctx): vscode.Disposable {
  const parts: vscode.Disposable[] = [];
  for (const feature of [participant, lmProvider]) {
    try {
      parts.push(feature.register(ctx));
    } catch (err) {
      ctx.log(`native chat: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return vscode.Disposable.from(...parts);
}
