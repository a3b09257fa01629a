// The built-in slash commands. `server` ones become a run's task (and the CLI takes them as its
// TASK); `client` ones are carried out by the chat panel and never reach a run.
import type { CommandInfo } from '../protocol/rules';

export class CommandError extends Error {
  override name = 'CommandError';
}

/** What a command turns into: the run's task, and whether the run is read-only (plan mode). */
export interface Expansion {
  task: string;
  plan?: boolean;
}

const b = (name: string, description: string, runsIn: CommandInfo['runsIn'], argumentHint?: string): CommandInfo => ({
  name,
  description,
  source: 'builtin',
  runsIn,
  ...(argumentHint ? { argumentHint } : {}),
});

export const BUILTIN_COMMANDS: CommandInfo[] = [
  b('init', 'Study the repository and write an AGENTS.md for agents', 'server', '[what to focus on]'),
  b('plan', 'Plan only: read-only tools, answer with a plan', 'server', '<task>'),
  b('swarm', 'Ask for a fan-out to parallel sub-agents', 'server', '<task>'),
  b('review', 'Review the uncommitted changes (read-only)', 'server', '[focus]'),
  b('compact', 'Compact the running agent\'s conversation now', 'client'),
  b('undo', 'Undo the last run\'s changes', 'client'),
  b('export', 'Export this conversation as Markdown', 'client'),
  b('clear', 'Start a new conversation', 'client'),
  b('model', 'Select the provider and model', 'client'),
  b('thinking', 'Toggle thinking mode', 'client', '[on|off|auto]'),
];

export const INIT_TASK = `Study this repository and write an AGENTS.md at the workspace root: the instructions a coding agent needs to work here (the agents.md convention).
Look before you write: list_files and repo_map for the layout; read the package manifests, build scripts, CI configuration, test setup, README and any existing AGENTS.md, CLAUDE.md or .cursorrules.
Cover, in plain Markdown and under about 150 lines: what the project is (two or three lines); the layout (main folders and what lives there); the exact setup, build, test and lint commands, taken from the files you read, never guessed; code style and conventions actually used; how to run one test; pitfalls a newcomer would hit.
If an AGENTS.md exists, improve it and keep what is still true. Write it with write_file, then answer with a short summary of what it says.`;

export const REVIEW_TASK = `Review the uncommitted changes in this workspace. Use git (status, then diff) to see them and read the surrounding code where needed.
Report, most important first: bugs and behaviour changes, risky or unsafe code, missing or weak tests, unclear names or structure. Point to files and lines. Say plainly when a change looks fine. Do not change any file.`;

export const SWARM_TASK = (task: string) =>
  `Split this task into independent parts and fan them out to parallel sub-agents (spawn_swarm, or create_subagent and several assign_task calls in one turn), then check and combine their results:\n\n${task}`;

export function builtinExpansion(name: string, args: string): Expansion | undefined {
  const focus = args ? `\n\nFocus: ${args}` : '';
  switch (name) {
    case 'init':
      return { task: INIT_TASK + focus };
    case 'review':
      return { task: REVIEW_TASK + focus, plan: true };
    case 'plan':
      if (!args) throw new CommandError('/plan needs a task: /plan <what to plan>');
      return { task: args, plan: true };
    case 'swarm':
      if (!args) throw new CommandError('/swarm needs a task: /swarm <what to fan out>');
      return { task: SWARM_TASK(args) };
    default:
      return undefined;
  }
}
