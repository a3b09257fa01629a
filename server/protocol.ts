// The one file shared between the extension / CLI and the backend (DESIGN.md §2).
// Everything here is either a type or a method declaration; it imports nothing of ours.
import { NotificationType, RequestType } from 'vscode-jsonrpc';

// ---------------------------------------------------------------------------
// Settings (sent in `initializationOptions`, and as `workspace/didChangeConfiguration`
// `{settings: Partial<ServerSettings>}` when they change)

export type ThinkingMode = 'auto' | 'on' | 'off';
/** How `run_command` is approved: ask the client, allow only the allowlist, or run anything. */
export type ApprovalPolicy = 'ask' | 'allowlist' | 'always';

export interface ServerSettings {
  /** OpenAI-compatible base URL, e.g. https://api.moonshot.ai/v1 */
  baseUrl: string;
  model: string;
  /** Never logged. The extension reads it from SecretStorage, the CLI from an env var. */
  apiKey?: string;
  thinking: ThinkingMode;
  /** Global cap on concurrent model requests. */
  concurrency: number;
  approval: ApprovalPolicy;
  /** Command prefixes that run without asking (e.g. "npm test", "git status"). */
  allowlist: string[];
  /** Max model→tool steps for the top-level agent. */
  maxSteps: number;
  /** Retries on 429/5xx/connection loss. */
  maxRetries: number;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Give the top-level agent the orchestration tools (create_subagent, assign_task, spawn_swarm). */
  swarm: boolean;
  /** Sub-agents per run (each assign_task / spawn_swarm item is one). */
  maxAgents: number;
  /** Model turns across every agent of a run. */
  maxTotalSteps: number;
  /** Model turns per sub-agent. */
  subagentMaxSteps: number;
  /** A sub-agent running longer is stopped and reported as timed out (ms). */
  subagentTimeoutMs: number;
  /** Whether sub-agents may spawn sub-agents of their own. */
  allowNestedSpawn: boolean;
  /** Requests per minute to the endpoint (0 = no limit). Moonshot tiers: 3 / 200 / 500 / 5,000. */
  rpm: number;
  /** Prompt + completion tokens per minute to the endpoint (0 = no limit). */
  tpm: number;
  /** Token budget of the repository map in the shared prompt prefix (0 = no map). */
  repoMapTokens: number;
  /** Edits to documents open with unsaved changes go to the editor as workspace/applyEdit; with this on, each carries a change annotation that needs confirmation (VS Code's refactor preview). Default false. */
  editPreview?: boolean;
  /** USD per 1M tokens; when absent, Kimi K2.5's hosted prices apply on Moonshot's API and no cost is reported elsewhere. */
  pricing?: { input: number; cachedInput: number; output: number };
  /** Chromium / Chrome / Edge executable for the visual loop (`swarmcode.browserPath`); found automatically when absent. */
  browserPath?: string;
  /** Embedded engine (baseUrl `local`): a GGUF path or `hf:` URI. See server/model/presets.ts resolveEndpoint. */
  localModelPath?: string;
  /** Embedded engine: parallel sequences (sub-agents decoded together); default min(concurrency, 8). */
  localParallel?: number;
  /** Embedded engine: context tokens per sequence; default 8192. */
  localContextSize?: number;
  /** Embedded engine: layers offloaded to the GPU ('auto' fits what VRAM allows; 0 = CPU only). */
  localGpuLayers?: number | 'auto';
}

export const DEFAULT_SETTINGS: ServerSettings = {
  baseUrl: 'https://api.moonshot.ai/v1',
  model: 'kimi-k2.5',
  thinking: 'auto',
  concurrency: 16,
  approval: 'ask',
  allowlist: ['ls', 'cat', 'git status', 'git diff', 'git log', 'npm test', 'npm run test', 'pytest', 'go test', 'cargo test'],
  maxSteps: 100,
  maxRetries: 4,
  logLevel: 'info',
  swarm: true,
  maxAgents: 100,
  maxTotalSteps: 1500,
  subagentMaxSteps: 100,
  subagentTimeoutMs: 15 * 60_000,
  allowNestedSpawn: false,
  rpm: 0,
  tpm: 0,
  repoMapTokens: 1024,
};

// ---------------------------------------------------------------------------
// Runs

export interface ImageInput {
  /** e.g. image/png */
  mimeType: string;
  /** base64 without the data: prefix */
  data: string;
}

/** A finished turn of an earlier conversation, replayed as context. */
export interface HistoryTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface RunParams {
  /** Chosen by the client so it can match `swarm/event`s before the request returns. */
  runId: string;
  task: string;
  images?: ImageInput[];
  history?: HistoryTurn[];
  /** Overrides the `thinking` setting for this run. */
  thinking?: ThinkingMode;
}

export type RunStatus = 'done' | 'failed' | 'cancelled';

export interface TokenUsage {
  input: number;
  cachedInput: number;
  output: number;
}

export interface RunSummary {
  wallMs: number;
  steps: number;
  toolCalls: number;
  tokens: TokenUsage;
  /** Swarm accounting (present once sub-agents exist; 1 / steps / 1 for a single agent). */
  agents?: number;
  totalSteps?: number;
  criticalSteps?: number;
  serialMs?: number;
  speedup?: number;
  costUsd?: number;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  /** The agent's final answer (markdown). */
  text: string;
  error?: string;
  summary: RunSummary;
}

/** Events carried by `swarm/event`. Every event names the agent it belongs to. */
export type SwarmEvent =
  | { type: 'run_started'; agentId: string; task: string; model: string }
  | { type: 'text_delta'; agentId: string; text: string }
  | { type: 'reasoning_delta'; agentId: string; text: string }
  | { type: 'tool_called'; agentId: string; callId: string; name: string; args: unknown }
  | { type: 'tool_output'; agentId: string; callId: string; ok: boolean; output: string }
  | { type: 'usage'; agentId: string; tokens: TokenUsage }
  | { type: 'retry'; agentId: string; attempt: number; delayMs: number; reason: string }
  | { type: 'agent_spawned'; agentId: string; parentId: string; name: string; task: string }
  | { type: 'agent_finished'; agentId: string; status: RunStatus; steps: number }
  | { type: 'error'; agentId: string; message: string }
  | { type: 'run_finished'; agentId: string; status: RunStatus; summary: RunSummary };

export type SwarmEventType = SwarmEvent['type'];

export interface EventParams {
  runId: string;
  event: SwarmEvent;
}

export interface CancelParams {
  runId: string;
  /** Cancel only this sub-agent (its assign_task returns a cancelled result); the run goes on. */
  agentId?: string;
}

export interface ApprovalParams {
  runId: string;
  agentId: string;
  kind: 'command';
  command: string;
  cwd: string;
}

export interface ApprovalResult {
  approved: boolean;
}

// ---------------------------------------------------------------------------
// Methods

/** Client → server. Resolves when the run ends; `$/cancelRequest` or `swarm/cancel` stop it. */
export const RunRequest = new RequestType<RunParams, RunResult, void>('swarm/run');
/** Client → server. */
export const CancelRequest = new RequestType<CancelParams, { cancelled: boolean }, void>('swarm/cancel');
/** Server → client: streaming. */
export const EventNotification = new NotificationType<EventParams>('swarm/event');
/** Server → client: a run needs the user's yes. */
export const ApprovalRequest = new RequestType<ApprovalParams, ApprovalResult, void>('swarm/approval');

// ---------------------------------------------------------------------------
// Visual coding: screenshot / design → component, refined in a render-compare loop

export type VisualTargetKind = 'html' | 'react';

export interface VisualParams {
  /** Chosen by the client so it can match `swarm/visualProgress` before the request returns. */
  runId: string;
  /** The design: PNG, JPEG or WebP. */
  image: ImageInput;
  target: VisualTargetKind;
  /** Workspace-relative path the best version is written to (.html or .tsx). */
  outputPath: string;
  /** Extra instructions for the model. */
  instructions?: string;
  /** Default 5. */
  maxRounds?: number;
  /** Stop once the score reaches this (0..1, default 0.95). */
  threshold?: number;
  /** Stop after this many rounds without improvement (default 2). */
  patience?: number;
  /** Versions sampled in parallel per round, best kept (default 1, at most 8). */
  candidates?: number;
  /** Viewport; default the image width × min(image height, 800). */
  width?: number;
  height?: number;
  thinking?: ThinkingMode;
}

/** One evaluated candidate. */
export interface VisualIteration {
  round: number;
  candidate: number;
  /** 0..1, 1 = identical; 0 when the candidate could not be extracted or rendered. */
  score: number;
  ssim?: number;
  pixelMismatch?: number;
  /** Best score so far. */
  best: number;
  /** This candidate is the new best. */
  improved: boolean;
  code?: string;
  /** Text report as the model sees it. */
  report?: string;
  error?: string;
  /** base64 PNGs (present when the candidate rendered). */
  render?: string;
  heatmap?: string;
}

export interface VisualProgressParams {
  runId: string;
  iteration: VisualIteration;
}

export interface VisualResult {
  runId: string;
  status: RunStatus;
  /** Workspace-relative path written (empty when nothing rendered). */
  outputPath: string;
  code: string;
  bestScore: number;
  bestRound: number;
  rounds: number;
  stopReason?: 'threshold' | 'patience' | 'max';
  history: { round: number; candidate: number; score: number }[];
  error?: string;
}

/** Client → server. Resolves when the loop ends; `$/cancelRequest` or `swarm/cancel` (same runId) stop it. */
export const VisualRequest = new RequestType<VisualParams, VisualResult, void>('swarm/visual');
/** Server → client: one notification per evaluated candidate. */
export const VisualProgressNotification = new NotificationType<VisualProgressParams>('swarm/visualProgress');

// ---------------------------------------------------------------------------
// Search (issue 5): the workspace's native trigram index, or ripgrep when the addon is missing.

export interface SearchParams {
  query: string;
  /** ripgrep regex syntax when true; a fixed string otherwise. */
  regex?: boolean;
  /** ripgrep-style glob over workspace-relative paths ("*.ts", "src/**", "!test/**"). */
  glob?: string;
  /** Default 200, at most 100000. */
  maxResults?: number;
}

export interface SearchMatchInfo {
  /** Workspace-relative, forward slashes. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based byte column of the first match in the line (as ripgrep's --column). */
  column: number;
  /** The line without its terminator, cut to 2000 characters. */
  text: string;
}

export interface SearchResultInfo {
  matches: SearchMatchInfo[];
  /** More matches exist past maxResults. */
  truncated: boolean;
  engine: 'native' | 'ripgrep';
}

/** Client → server. Matches in path order, one per matching line. */
export const SearchRequest = new RequestType<SearchParams, SearchResultInfo, void>('swarm/search');

// ---------------------------------------------------------------------------
// Edit review and checkpoints (issue 4). Every run journals the original bytes of each file
// before its first write (outside the workspace); the journal backs review, undo and crash restore.

/** `active`: the run is going; `finished`: over, waiting for accept/reject; `interrupted`: the server died mid-run. */
export type CheckpointState = 'active' | 'finished' | 'interrupted';

export interface CheckpointInfo {
  runId: string;
  task: string;
  startedAt: number;
  finishedAt?: number;
  state: CheckpointState;
  status?: RunStatus;
  /** Files the run wrote that are not yet accepted or rejected. */
  files: number;
}

export interface CheckpointsResult {
  checkpoints: CheckpointInfo[];
}

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'unchanged';

export interface ChangedFile {
  /** Workspace-relative, forward slashes. */
  path: string;
  change: ChangeKind;
  /** Text at the checkpoint (absent when the file was added, or binary, or withContent is false). */
  original?: string;
  /** Text now (the editor buffer when the edit went there; absent when deleted, binary, or withContent is false). */
  current?: string;
  binary?: boolean;
  /** The run's change went into an unsaved editor buffer (workspace/applyEdit). */
  viaEditor?: boolean;
}

export interface ChangesParams {
  runId: string;
  /** Include `original` / `current` texts (default true). */
  withContent?: boolean;
}

export interface ChangesResult {
  runId: string;
  state: CheckpointState;
  files: ChangedFile[];
}

export interface ReviewParams {
  runId: string;
  /** Workspace-relative paths; all of the run's files when absent. */
  paths?: string[];
}

export interface AcceptResult {
  runId: string;
  accepted: string[];
  /** Files still waiting for a decision. */
  remaining: number;
}

export interface RejectResult {
  runId: string;
  /** Restored to their checkpoint bytes. */
  restored: string[];
  /** Created by the run, now deleted. */
  removed: string[];
  skipped: { path: string; reason: string }[];
  remaining: number;
}

/** Client → server. Journals of this workspace, newest first; `interrupted` ones are the restore offer after a crash. */
export const CheckpointsRequest = new RequestType<Record<string, never>, CheckpointsResult, void>('swarm/checkpoints');
/** Client → server. The files a run changed, with checkpoint and current text for a diff view. */
export const ChangesRequest = new RequestType<ChangesParams, ChangesResult, void>('swarm/changes');
/** Client → server. Keep the run's changes to these files (drops them from the journal). */
export const AcceptRequest = new RequestType<ReviewParams, AcceptResult, void>('swarm/accept');
/** Client → server. Put these files back exactly as they were before the run (rollback). */
export const RejectRequest = new RequestType<ReviewParams, RejectResult, void>('swarm/reject');

// ---------------------------------------------------------------------------
// Swarm-driven refactor (issue 4): sites found, sharded, edited in parallel, tests run, failures sent back.

export interface RefactorParams {
  /** Chosen by the client; `swarm/event`s carry it, `swarm/cancel` stops it, `swarm/changes` reviews it. */
  runId: string;
  instruction: string;
  scope?: {
    /** ripgrep-style glob limiting the files ("src/**\/*.ts"). */
    glob?: string;
    /** Text (or regex with `regex: true`) that marks the sites. */
    pattern?: string;
    regex?: boolean;
  };
  /** Test command; detected from the project when absent (npm/pnpm/yarn test, pytest, go test, cargo test). `''` = no tests. */
  testCommand?: string;
  /** At most this many shards (sub-agents), default 16. */
  maxShards?: number;
  /** Rounds of sending test failures back to the responsible shards inside the run, default 2. */
  fixRounds?: number;
  thinking?: ThinkingMode;
}

export interface RefactorShard {
  id: string;
  files: string[];
  /** Matching lines in those files (1 per file for a glob-only scope). */
  sites: number;
  /** The final test run's output names this shard's files. */
  failing?: boolean;
}

/** The server's own test run after the swarm finished (the agents' fix rounds happen inside the run). */
export interface RefactorTests {
  command: string;
  passed: boolean;
  exitCode: number | null;
  /** Head and tail of the output. */
  output: string;
}

export interface RefactorResult extends RunResult {
  shards: RefactorShard[];
  tests?: RefactorTests;
  /** Files the refactor wrote (review them with swarm/changes). */
  changedFiles: string[];
}

/** Client → server. Resolves when the refactor (and its test rounds) ends. */
export const RefactorRequest = new RequestType<RefactorParams, RefactorResult, void>('swarm/refactor');
