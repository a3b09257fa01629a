import { z } from 'zod';
import { defineTool, ToolError, type SubagentResult } from './types';

/** The tool result an orchestrator reads for one finished sub-agent. */
export function formatSubagentResult(r: SubagentResult): string {
  const files = (r.changedFiles.length ? `\nFiles changed: ${r.changedFiles.join(', ')}` : '\nFiles changed: none') + formatMerge(r.merge);
  if (r.status === 'done') return `[${r.agentId} done in ${r.steps} steps]${files}\n\n${r.text}`;
  return `[${r.agentId} ${r.status} after ${r.steps} steps: ${r.error ?? 'no answer'}]${files}${r.text ? `\n\nLast output:\n${r.text}` : ''}`;
}

/** What merging a sub-agent's worktree back left for the orchestrator to look at. */
function formatMerge(m: SubagentResult['merge']): string {
  if (!m) return '';
  const lines: string[] = [];
  if (m.error) lines.push(`Merging its worktree back failed: ${m.error}`);
  if (m.conflicts.length) lines.push(`Merge conflicts (written with <<<<<<< markers, resolve them): ${m.conflicts.join(', ')}`);
  for (const n of m.notApplied) lines.push(`Not merged: ${n.path}: ${n.why}`);
  if (m.skipped?.length) lines.push(`Left out (build/test caches): ${m.skipped.length} file(s)`);
  if (m.keptAt) lines.push(`Its worktree is kept at ${m.keptAt}`);
  return lines.length ? `\n${lines.join('\n')}` : '';
}

export const assignTask = defineTool({
  name: 'assign_task',
  description:
    'Run a task on a fresh instance of a sub-agent made with create_subagent. Returns its final answer and the files it changed. ' +
    'Several assign_task calls in the same turn run in parallel.',
  parameters: z.object({
    agent: z.string().describe('A name given to create_subagent'),
    task: z.string().describe('Everything the sub-agent needs to know to do the task on its own'),
  }),
  mutating: true,
  parallel: true,
  delegates: true,
  async run(args, ctx, signal) {
    if (!ctx.swarm) throw new ToolError('Sub-agents are not available to this agent.');
    const result = await ctx.swarm.assign(args.agent, args.task, signal);
    if (result.status !== 'done') throw new ToolError(formatSubagentResult(result));
    return formatSubagentResult(result);
  },
});
