// `swarm/approval` (server → client): questions go to the chat panel's approval queue, not one
// modal dialog per command (many sub-agents may ask at once); a stop withdraws them.
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { ApprovalRequest } from '../server/protocol';
import { VIEW_ID } from './chat/view';
import type { Ctx } from './context';

export function register(ctx: Ctx): vscode.Disposable {
  return vscode.Disposable.from(
    ctx.client.onRequest(ApprovalRequest, (params, token) => ctx.chat.approvals.request(params, token)),
    // A server that stopped (and is restarted) will never read these answers.
    ctx.client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) ctx.chat.approvals.dropAll();
    }),
  );
}

/** Shows the chat panel (where the queue is) without taking the keyboard from the editor. */
export function revealQueue(): void {
  void vscode.commands.executeCommand(`${VIEW_ID}.focus`, { preserveFocus: true }).then(undefined, () => undefined);
}
