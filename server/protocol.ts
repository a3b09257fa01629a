// The protocol shared between the extension / CLI and the backend (DESIGN.md §2): import it from
// this file. The core (settings, runs, events) is here; feature methods sit in ./protocol/*.ts.
// Everything is either a type or a method declaration; it imports nothing else of ours.
import { NotificationType, RequestType, RequestType0 } from './protocol/rpc';
import type { McpServerSetting } from './protocol/mcp';
import type { Attachment } from './protocol/attachments';

// ---------------------------------------------------------------------------
// Settings (sent in `initializationOptions`, and as `workspace/didChangeConfiguration`
// `{settings: Partial<ServerSettings>}` when they change)

export type ThinkingMode = 'auto' | 'on' | 'off';
/**
 * How a tool call is approved: ask the client, allow only the allowlist (commands; other tools
 * have none, so it refuses them), run anything, or refuse everything.
 */
export type ApprovalPolicy = 'ask' | 'allowlist' | 'always' | 'never';

export interface ServerSettings {
  /** OpenAI-compatible base URL, e.g. https://api.moonshot.ai/v1 */
  baseUrl: string;
  model: string;
  /** Never logged. The extension reads it from SecretStorage, the CLI from an env var. */
  apiKey?: string;
  thinking: ThinkingMode;
  /** Global cap on concurrent model requests. */
  concurrency: number;
  /** The `run_command` policy. */
  approval: ApprovalPolicy;
  /** Per-tool policies by tool name, e.g. `{"edit_file": "ask", "write_file": "ask"}`; `run_command` here overrides `approval`. Unlisted tools run without asking. */
  toolApproval?: Record<string, ApprovalPolicy>;
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
  /**
   * Conversation size (tokens) past which an agent's conversation is compacted: the older part is
   * replaced by a summary, down to half this budget at once (0 = derived from the model's context
   * window and output cap; negative = never compact).
   */
  contextTokens: number;
  /** Output cap sent as `max_tokens` on every request (0/absent: 32,768 on Moonshot, else a quarter of the window, at most 32,768). */
  maxOutputTokens?: number;
  /** Wire dialect for the thinking switch: derived from the preset / URL (`auto`), or forced. */
  dialect?: 'auto' | 'moonshot' | 'vllm' | 'none';
  /** Endpoint preset id the user picked (server/model/presets.ts); its dialect and window apply. */
  preset?: string;
  /** The model's context window in tokens (0/absent: from the preset, else the endpoint's /models metadata, else 131,072). */
  contextWindow?: number;
  /** Token budget of the repository map in the shared prompt prefix (0 = no map). */
  repoMapTokens: number;
  /** Edits to documents open with unsaved changes go to the editor as workspace/applyEdit; with this on, each carries a change annotation that needs confirmation (VS Code's refactor preview). Default false. */
  editPreview?: boolean;
  /** Every sub-agent in its own git worktree, merged back three-way (RunParams.worktrees overrides per run). Default false. */
  subagentWorktrees?: boolean;
  /** USD per 1M tokens; when absent, Kimi K2.5's hosted prices apply on Moonshot's API and no cost is reported elsewhere. */
  pricing?: { input: number; cachedInput: number; output: number };
  /** Chromium / Chrome / Edge executable for the visual loop (`swarmcode.browserPath`); found automatically when absent. */
  browserPath?: string;
  /** Embedded engine (baseUrl `local`): a GGUF path or `hf:` URI. See server/model/presets.ts resolveEndpoint. */
  localModelPath?: string;
  /** Embedded engine: parallel sequences (sub-agents decoded together); default min(concurrency, 8). */
  localParallel?: number;
  /** Embedded engine: context tokens per sequence; default: fitted to free memory between 16,384 and 32,768 (capped by the trained length). */
  localContextSize?: number;
  /** User-level rules for every run (`swarmcode.rules`), added to the prompt after ~/.swarmcode/AGENTS.md. */
  rules?: string;
  /** Embedded engine: layers offloaded to the GPU ('auto' fits what VRAM allows; 0 = CPU only). */
  localGpuLayers?: number | 'auto';
  /** OS sandbox around commands (docs/security.md): 'auto' = bubblewrap / sandbox-exec when available; 'off' = none, so every command asks. Default 'auto'. */
  sandbox?: 'auto' | 'off';
  /** Network inside the sandbox (`swarmcode.allowNetwork`, CLI `--allow-network`). Default false. */
  allowNetwork?: boolean;
  /** Without allowNetwork: hosts sandboxed commands reach through an HTTP(S) proxy (`swarmcode.sandbox.allowedHosts`, CLI `--allow-host`; `*.example.com` for subdomains; Linux). */
  allowedHosts?: string[];
  /** Environment variables passed to commands although their names look secret (`swarmcode.sandbox.envPassthrough`). */
  envPassthrough?: string[];
  /** Environment variables never passed to commands whatever their names (the CLI's `--api-key-env`). */
  secretEnv?: string[];
  /** Per-run budget: the run stops once its agents have used this many tokens (input, cached included, + output; 0/absent = none). RunParams.budget overrides. */
  budgetTokens?: number;
  /** Per-run budget in USD at `pricing` (or the preset's prices); needs prices (0/absent = none). RunParams.budget overrides. */
  budgetUsd?: number;
  /** A `spawn_swarm` wider than this many sub-agents asks the user first (`swarm/approval` kind `swarm`); 0 = never ask. Default 32. */
  swarmConfirmWidth?: number;
  /**
   * The shell run_command uses (`swarmcode.shell`, CLI `--shell`; server/tools/shell.ts): `auto`
   * (`/bin/sh` on Linux and macOS; on Windows PowerShell 7, else Windows PowerShell, else cmd),
   * `sh`, `powershell`, `pwsh`, `cmd`, `gitbash`, or an absolute path to a shell. Unset or `auto`:
   * the server's SWARMCODE_SHELL, else auto.
   */
  shell?: string;
  /** MCP servers from the user's settings (`swarmcode.mcpServers`) and the CLI's `--mcp-config` files, by name (VS Code's mcp.json `servers` shape). */
  mcpServers?: Record<string, McpServerSetting>;
  /** The text of the workspace's .vscode/mcp.json (JSONC; sent only for a trusted workspace, '' for none); each of its servers' first start is confirmed by the user (`swarm/mcpConfirm`). */
  mcpWorkspaceConfig?: string;
  /** Approval of MCP tools by server name or tool name (`mcp__SERVER__TOOL`): `ask` (the default), `always`, `never`. */
  mcpApproval?: Record<string, 'ask' | 'always' | 'never'>;
  /** Limit on one MCP tool call (ms); default 120,000. */
  mcpTimeoutMs?: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  baseUrl: 'https://api.moonshot.ai/v1',
  model: 'kimi-k2.5',
  thinking: 'auto',
  dialect: 'auto',
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
  // Present (empty) so that removing every server in the client's settings reaches the server.
  mcpServers: {},
  mcpApproval: {},
  mcpTimeoutMs: 120_000,
  swarmConfirmWidth: 32,
  budgetTokens: 0,
  budgetUsd: 0,
  // Derived from the model's window: (window − output cap) × 0.9 — K2.5: 206,438.
  contextTokens: 0,
  sandbox: 'auto',
  allowNetwork: false,
  // auto: SWARMCODE_SHELL when set, else /bin/sh (Windows: PowerShell, else cmd).
  shell: 'auto',
  allowedHosts: [],
  envPassthrough: [],
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
  /**
   * Each sub-agent works in its own git worktree (a snapshot of the workspace at the start of the
   * run), so its commands and tests run in isolation; its changes are merged back three-way when
   * it finishes, conflicts marked and reported. Needs the workspace to be a git repository root.
   */
  worktrees?: boolean;
  /**
   * Plan mode: the agent and its sub-agents get read-only tools only and the workspace cannot
   * change in this run; the answer is a plan (RunResult.plan). `/plan` and `/review` set it too.
   */
  plan?: boolean;
  /** This run's budget (overrides the `budgetTokens` / `budgetUsd` settings; 0 = none): crossing it stops the run cleanly. */
  budget?: RunBudgetLimits;
  /**
   * Context attached to the message (`@`-mentions, the editor's file and selection), at most
   * MAX_ATTACHMENTS: resolved before the run starts and put after the task in the user's turn.
   * A path outside the workspace (or a symlink out of it), a missing file or symbol is refused
   * with -32602 naming the mention.
   */
  attachments?: Attachment[];
}

export interface RunBudgetLimits {
  /** Input (cached included) + output tokens across every agent of the run. */
  tokens?: number;
  /** USD at the run's prices. */
  usd?: number;
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
  /** Worktree runs: files that still hold merge conflict markers when the run ended (see swarm/changes `conflict`). */
  conflicts?: string[];
  summary: RunSummary;
  /** The run was in plan mode: `text` is a plan (the chat panel offers "Act on this plan"). */
  plan?: boolean;
  /** Why a run that did not finish stopped, when not by the user: `budget` (the run's token / USD budget was reached; `error` says how much). */
  stopReason?: 'budget';
  /** The slash command the task started with, when the server expanded one (`init`, a custom command). */
  command?: string;
}

/** Events carried by `swarm/event`. Every event names the agent it belongs to. */
export type SwarmEvent =
  | { type: 'run_started'; agentId: string; task: string; model: string }
  | { type: 'text_delta'; agentId: string; text: string }
  | { type: 'reasoning_delta'; agentId: string; text: string }
  | { type: 'tool_called'; agentId: string; callId: string; name: string; args: unknown }
  | { type: 'tool_output'; agentId: string; callId: string; ok: boolean; output: string }
  | { type: 'usage'; agentId: string; tokens: TokenUsage }
  /**
   * After each model turn: the agent's conversation size (the provider's prompt_tokens plus an
   * estimate of what was added since), its compaction budget and the model's window. `compacted`
   * is present on the step whose conversation was just compacted.
   */
  | { type: 'context'; agentId: string; tokens: number; budget: number; window: number; compacted?: { before: number; after: number; summarized: boolean } }
  /**
   * After each `usage` event: the whole run's tokens so far (every agent), its cost at the run's
   * prices (absent without prices), and the run's budget when it has one.
   */
  | { type: 'run_usage'; agentId: string; tokens: TokenUsage; costUsd?: number; budget?: RunBudgetLimits }
  | { type: 'retry'; agentId: string; attempt: number; delayMs: number; reason: string }
  /**
   * `name`: the sub-agent template (create_subagent's name; `worker` for spawn_swarm's default);
   * `item`: the spawn_swarm item it works on. Clients name its lane by `item`, else by `task`'s first line.
   */
  | { type: 'agent_spawned'; agentId: string; parentId: string; name: string; task: string; item?: string }
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

export interface CompactParams {
  runId: string;
  /** Default: the run's top-level agent. */
  agentId?: string;
}

/** An endpoint preset as the provider picker shows it (server/model/presets.ts). */
export interface PresetInfo {
  id: string;
  label: string;
  baseUrl: string;
  defaultModel: string;
  dialect: 'moonshot' | 'vllm' | 'none' | 'raw_template';
  contextWindow?: number;
  apiKeyEnv?: string;
  keyRequired: boolean;
  notes: string;
}

interface ApprovalBase {
  runId: string;
  agentId: string;
  cwd: string;
  /** Why it is asked: not allowlisted, a path outside the workspace, network, no sandbox, a code-running config file, … (docs/security.md). */
  reason?: string;
}

/**
 * What an agent wants to do: run a shell command (`command`), write a file that makes tools run code
 * outside the sandbox (`write`: .npmrc, .vscode/tasks.json, …), or call a tool whose policy is `ask` (`tool`).
 */
export type ApprovalParams =
  | (ApprovalBase & { kind: 'command'; tool: 'run_command'; /** The full command line, as it will run. */ command: string })
  | (ApprovalBase & {
      kind: 'write';
      /** The edit tool (write_file, edit_file). */
      tool: string;
      /** Workspace-relative path of the file. */
      path: string;
      /** "write PATH", for clients that show only a command. */
      command: string;
      /** The call's arguments as pretty JSON (what would be written; cut past 100,000 characters). */
      args: string;
    })
  | (ApprovalBase & { kind: 'tool'; tool: string; /** The call's arguments as pretty JSON (cut past 100,000 characters). */ args: string })
  | (ApprovalBase & {
      /** A swarm wider than `swarmConfirmWidth` sub-agents is about to start (a cost guard, asked whatever the command policy). */
      kind: 'swarm';
      tool: 'spawn_swarm';
      /** Sub-agents it would start at once. */
      width: number;
      /** The setting it exceeds. */
      limit: number;
      /** The call's arguments as pretty JSON (cut past 100,000 characters). */
      args: string;
    });

export interface ApprovalResult {
  approved: boolean;
  /** `run`: also allow this command (kind `command`, same reason), this file (kind `write`) or this tool (kind `tool`) for the rest of the run, without asking. */
  scope?: 'once' | 'run';
}

// ---------------------------------------------------------------------------
// Methods

/** Client → server. Resolves when the run ends; `$/cancelRequest` or `swarm/cancel` stop it. */
export const RunRequest = new RequestType<RunParams, RunResult, void>('swarm/run');
/** Client → server. */
export const CancelRequest = new RequestType<CancelParams, { cancelled: boolean }, void>('swarm/cancel');
/** Client → server: compact an agent's conversation before its next step (`/compact`); false when no such live agent. */
export const CompactRequest = new RequestType<CompactParams, { scheduled: boolean }, void>('swarm/compact');
/** Client → server: the endpoint presets (the VS Code provider picker). */
export const PresetsRequest = new RequestType0<PresetInfo[], void>('swarm/presets');
/** Server → client: streaming. */
export const EventNotification = new NotificationType<EventParams>('swarm/event');
/** Server → client: a run needs the user's yes. A stop withdraws it with `$/cancelRequest`. */
export const ApprovalRequest = new RequestType<ApprovalParams, ApprovalResult, void>('swarm/approval');

// ---------------------------------------------------------------------------
// Feature methods, declared in their own files and exported from here: import from this file.
export * from './protocol/visual';
export * from './protocol/search';
export * from './protocol/symbols';
export * from './protocol/engines';
export * from './protocol/review';
export * from './protocol/rules';
export * from './protocol/mcp';
export * from './protocol/attachments';
export * from './protocol/lm';
