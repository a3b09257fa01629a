// `swarm/approval` (server → client): the user says yes or no to a command the agent wants to run.
import * as vscode from 'vscode';
import { ApprovalRequest, type ApprovalParams, type ApprovalResult } from '../server/protocol';
import type { Ctx } from './context';

export async function askApproval(params: ApprovalParams): Promise<ApprovalResult> {
  const write = params.kind === 'write';
  const why = params.reason ? `\nAsked because ${params.reason}.` : '';
  const choice = await vscode.window.showWarningMessage(
    write ? `Allow SwarmCode to ${params.command}?` : `Run command "${params.command}"?`,
    { modal: true, detail: `SwarmCode (${params.agentId}) wants to ${write ? 'write this file' : 'run this command'} in ${params.cwd}.${why}` },
    write ? 'Write' : 'Run',
  );
  return { approved: choice === (write ? 'Write' : 'Run') };
}

export function register(ctx: Ctx): vscode.Disposable {
  return ctx.client.onRequest(ApprovalRequest, async (params) => {
    const result = await askApproval(params);
    ctx.log(`command ${result.approved ? 'approved' : 'refused'} (run ${params.runId})`);
    return result;
  });
}
