// What project rules, commands, skills and plan mode contribute to one run: the expanded task,
// the text that follows the system prompt in every agent's prompt (shared by sub-agents), the
// skills for load_skill and the finder of nested AGENTS.md files.
import type { RunParams } from './protocol';
import type { ServerContext } from './context';
import { commandSources, expandTask, loadRules, NestedRulesFinder, rulesPrompt, SkillSet, skillsPrompt } from './rules';
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
}

export async function prepareRunRules(ctx: ServerContext, params: RunParams, signal: AbortSignal): Promise<RunRules> {
  // Multi-root: the project's rules, commands and skills are those of the first folder.
  const root = ctx.workspace.folders ? (ctx.workspace.roots?.[0] ?? ctx.workspace.root) : ctx.workspace.root;
  const expanded = await expandTask(params.task, commandSources(root), signal);
  const plan = params.plan === true || expanded.plan === true;
  const [rules, skills] = await Promise.all([
    loadRules({ root, setting: ctx.settings().rules }),
    SkillSet.discover({ root, warn: (m) => ctx.log.warn(m) }),
  ]);
  for (const r of rules) if (r.truncated) ctx.log.warn(`rules from ${r.label} were cut to the size limit`);
  const prefix = [rulesPrompt(rules), skillsPrompt(skills), plan ? PLAN_MODE_GUIDE : ''].filter(Boolean).join('\n\n');
  return { task: expanded.task, plan, ...(expanded.command ? { command: expanded.command } : {}), prefix, skills, folders: new NestedRulesFinder(ctx.workspace.root) };
}
