import { z } from 'zod';
import { defineTool, ToolError } from './types';

export const createSubagent = defineTool({
  name: 'create_subagent',
  description:
    'Define a kind of sub-agent (a worker) by name, with its role as a system prompt and optionally the tools it may use ' +
    '(default: all file, search and command tools). Then give it work with assign_task or spawn_swarm.',
  parameters: z.object({
    name: z.string().describe('Short unique name, e.g. "test-fixer"'),
    system_prompt: z.string().describe('The role and rules of this sub-agent'),
    tools: z.array(z.string()).optional().describe('Tool names it may use'),
  }),
  mutating: false,
  async run(args, ctx) {
    if (!ctx.swarm) throw new ToolError('Sub-agents are not available to this agent.');
    return ctx.swarm.createAgent(args.name, args.system_prompt, args.tools);
  },
});
