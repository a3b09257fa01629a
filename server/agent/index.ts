export { runAgent, emptyUsage, addUsage } from './loop';
export type { AgentOptions, AgentResult } from './loop';
export { AGENT_SYSTEM_PROMPT, initialMessages, workspaceContext } from './prompt';
