import { z } from 'zod';
import { defineTool, ToolError } from './types';
import { formatSubagentResult } from './assign_task';

const DEFAULT_WORKER = 'worker';

export const spawnSwarm = defineTool({
  name: 'spawn_swarm',
  description:
    'Map-style fan-out: run one sub-agent per item, in parallel, with the task prompt_template where {{item}} is replaced by the item. ' +
    'Returns every result in item order. agent names a sub-agent from create_subagent (default: a general worker with all tools).',
  parameters: z.object({
    prompt_template: z.string().describe('Task text containing {{item}}'),
    items: z.array(z.string()).min(1).describe('One sub-agent runs per item'),
    agent: z.string().optional(),
  }),
  mutating: true,
  parallel: true,
  delegates: true,
  async run(args, ctx, signal) {
    const swarm = ctx.swarm;
    if (!swarm) throw new ToolError('Sub-agents are not available to this agent.');
    if (!args.prompt_template.includes('{{item}}')) throw new ToolError('prompt_template must contain {{item}}.');
    // A swarm wider than the user's setting asks first (a cost guard); declined, nothing starts.
    const ok = (await ctx.approveSwarm?.(args.items.length, args, signal)) ?? { approved: true };
    if (!ok.approved) throw new ToolError(`No sub-agents were started: ${ok.reason ?? 'the user declined a swarm this wide'}. Use fewer items (batch them, or do part of the work yourself).`);
    let agent = args.agent;
    if (!agent) {
      agent = DEFAULT_WORKER;
      if (!swarm.agentNames().includes(agent)) swarm.createAgent(agent, 'A general worker: do the task precisely and report back.');
    }
    // allSettled: on a cancel every sub-agent unwinds (and reports its end) before this returns.
    const settled = await Promise.allSettled(
      args.items.map(async (item, i): Promise<{ done: boolean; text: string }> => {
        const task = args.prompt_template.split('{{item}}').join(item);
        const head = `## ${i + 1}. ${item}\n`;
        try {
          const r = await swarm.assign(agent!, task, signal, { item });
          return { done: r.status === 'done', text: head + formatSubagentResult(r) };
        } catch (err) {
          if (err instanceof ToolError) return { done: false, text: `${head}[not run: ${err.message}]` };
          throw err;
        }
      }),
    );
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    const results = settled.map((r) => (r as PromiseFulfilledResult<{ done: boolean; text: string }>).value);
    const done = results.filter((r) => r.done).length;
    return `${results.length} sub-agents: ${done} done, ${results.length - done} not done.\n\n${results.map((r) => r.text).join('\n\n')}`;
  },
});
