import { z } from 'zod';
import { defineTool, ToolError, type SubagentResult } from './types';

/** The tool result an orchestrator reads for one finished sub-agent. */
export function formatSubagentResult(r: SubagentResult): string {
  const files = r.changedFiles.length ? `\nFiles changed: ${r.changedFiles.join(', ')}` : '\nFiles changed: none';
  if (r.status === 'done') return `[${r.agentId} done in ${r.steps} steps]${files}\n\n${r.text}`;
  return `[${r.agentId} ${r.status} after ${r.steps} steps: ${r.error ?? 'no answer'}]${files}${r.text ? `\n\nLast output:\n${r.text}` : ''}`;
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
