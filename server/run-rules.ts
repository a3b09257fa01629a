// What project rules, commands, skills and plan mode contribute to one run: the expanded task,
// the text that follows the system prompt in every agent's prompt (shared by sub-agents), the
// skills for load_skill and the finder of nested AGENTS.md files.
import type { RunParams } from './protocol';
import type { ServerContext } from './context';
import { commandSources, expandTask, loadRules, NestedRulesFinder, rulesPrompt, rulesRoots, SkillSet, skillsPrompt } from './rules';
import { PLAN_MODE_GUIDE } from './agent';

export interface RunRules {
  task: string;
  plan: boolean;
  /** The slash command the task started with, when one was expanded. */
  command?: string;
  /** Rules, skills catalogue and the plan-mode note: first in the shared context, '' when none. */
  prefix: string;
  skills: SkillSet;
  folders: NestedRulesFinder;
  /** Rule files that are there but were left out, cut or read lossily (shown to the user). */
  problems: string[];
}

export async function prepareRunRules(ctx: ServerContext, params: RunParams, signal: AbortSignal): Promise<RunRules> {
  // Multi-root: the rules, commands and skills of every folder, in folder order. Read once here,
  // so every step and every sub-agent of the run gets the same prompt prefix.
  const roots = rulesRoots(ctx.workspace);
  const expanded = await expandTask(params.task, commandSources(roots), signal);
  // /init in a multi-root workspace: one AGENTS.md per folder (the folder of links takes no files).
  if (expanded.command === 'init' && roots.length > 1) {
    const names = roots.map((r) => r.name ?? '');
    expanded.task += `\n\nThis workspace has several folders (${names.join(', ')}): write one AGENTS.md at the root of each (${names.map((n) => `${n}/AGENTS.md`).join(', ')}), each about its own folder.`;
  }
  const plan = params.plan === true || expanded.plan === true;
  const problems: string[] = [];
  const [rules, skills] = await Promise.all([
    loadRules({ roots, setting: ctx.settings().rules, problems }),
    SkillSet.discover({ roots, warn: (m) => ctx.log.warn(m) }),
  ]);
  for (const p of problems) ctx.log.warn(`rules: ${p}`);
  const prefix = [rulesPrompt(rules), skillsPrompt(skills), plan ? PLAN_MODE_GUIDE : ''].filter(Boolean).join('\n\n');
  return { task: expanded.task, plan, ...(expanded.command ? { command: expanded.command } : {}), prefix, skills, folders: new NestedRulesFinder(ctx.workspace.root), problems };
}
