// Project rules (AGENTS.md), slash and custom commands, skills. A leaf below tools/ and agent/:
// it reads files (decoded with workspace/encoding.ts) and builds prompt text, and imports nothing else of the server's.
export { loadRules, rulesRoots, rulesPrompt, folderRulesNote, NestedRulesFinder, RULES_FILE_NAMES, MAX_RULES_BYTES, type RulesSource, type RulesRoot, type FolderRules } from './project-rules';
export { SkillSet, SkillError, skillsPrompt, type Skill } from './skills';
export { commandSources, listCommands, expandTask, parseSlash, substitute, registerCommandSource, CommandError, type CommandSource, type Expansion } from './commands';
export { BUILTIN_COMMANDS } from './builtins';
export { userConfigDir } from './files';
