// Before an edit tool writes: `.git/` is never written (the edit engine refuses it too), and
// files that make tools run code outside the sandbox (.vscode/tasks.json, .npmrc, husky hooks, …)
// are written only with the user's approval (docs/security.md).
import { isExecConfig, isInGitDir } from '../sandbox/paths';
import { ToolError, type ToolContext } from './types';

/** `call` (the tool and its arguments) is shown to the user when the write needs approval. */
export async function guardWrite(ctx: ToolContext, abs: string, signal: AbortSignal, call?: { tool: string; args: unknown }): Promise<void> {
  const rel = ctx.workspace.relative(abs);
  if (isInGitDir(rel)) throw new ToolError(`Refused to write ${rel}: files under .git/ (config, hooks) make git run programs; SwarmCode never writes them.`);
  if (!isExecConfig(rel)) return;
  if (!ctx.approveWrite) throw new ToolError(`Refused to write ${rel}: it makes tools run code outside the sandbox and no one can approve the write here.`);
  const a = await ctx.approveWrite(rel, signal, call);
  if (signal.aborted) throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
  if (!a.approved) throw new ToolError(`Not written: ${rel}: ${a.reason ?? 'the user declined it'}. Do not retry it; tell the user what the change would be instead.`);
}
