export { runAgent, emptyUsage, addUsage } from './loop';
export type { AgentOptions, AgentResult } from './loop';
export { AGENT_SYSTEM_PROMPT, initialMessages, workspaceContext } from './prompt';
export { withFolderRules } from './folder-rules';
export { PLAN_MODE_GUIDE, planTools } from './plan-mode';
