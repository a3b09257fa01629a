// `swarm/approval` (server → client): the user says yes or no to a command the agent wants to run.
import * as vscode from 'vscode';
import { ApprovalRequest, type ApprovalParams, type ApprovalResult } from '../server/protocol';
import type { Ctx } from './context';

export async function askApproval(params: ApprovalParams): Promise<ApprovalResult> {
  const choice = await vscode.window.showWarningMessage(
    `Run command "${params.command}"?`,
    { modal: true, detail: `SwarmCode (${params.agentId}) wants to run this command in ${params.cwd}` },
    'Run',
  );
  return { approved: choice === 'Run' };
}

export function register(ctx: Ctx): vscode.Disposable {
  return ctx.client.onRequest(ApprovalRequest, async (params) => {
    const result = await askApproval(params);
    ctx.log(`command ${result.approved ? 'approved' : 'refused'} (run ${params.runId})`);
    return result;
  });
}
