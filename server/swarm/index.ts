export { Scheduler, systemClock, type Clock, type Lease, type SchedulerLimits } from './scheduler';
export { scheduled, estimateTokens, estimateInputTokens } from './scheduled';
export { SwarmRun, type SwarmLimits, type SwarmRunOptions } from './runtime';
export { criticalSteps, costUsd, KIMI_K25_PRICING, type AgentRecord, type Pricing } from './accounting';
export { ORCHESTRATOR_GUIDE, SUBAGENT_SYSTEM_PROMPT, subagentTask } from './prompt';
export { Worktrees, type WorktreeMerge } from './worktrees';
export { keptWorktrees, removeKeptWorktree } from './kept';
