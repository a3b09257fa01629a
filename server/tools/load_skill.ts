// load_skill: loads a skill's instructions (or one of its files) on demand; the prompt lists
// every skill's name and description.
import { z } from 'zod';
import { defineTool, ToolError } from './types';

export const loadSkill = defineTool({
  name: 'load_skill',
  description:
    'Load a skill listed in your instructions: returns its instructions (SKILL.md) and the files it comes with. ' +
    'Pass `file` (a path inside the skill, from that list) to read one of those files.',
  parameters: z.object({
    name: z.string().describe('The skill name, as listed'),
    file: z.string().optional().describe('A file inside the skill folder to read instead of SKILL.md'),
  }),
  mutating: false,
  async run(args, ctx) {
    if (!ctx.skills) throw new ToolError('No skills are available in this run.');
    try {
      return await ctx.skills.load(args.name, args.file);
    } catch (err) {
      if (err instanceof Error && err.name === 'SkillError') throw new ToolError(err.message);
      throw err;
    }
  },
});
