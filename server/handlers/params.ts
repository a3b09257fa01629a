// Parameter checks at the protocol edge: every request's params against a schema of its declared
// type, so a client that sends the wrong shape gets JSON-RPC -32602 (Invalid params) naming the
// field, never an internal error from deep inside a handler. The `z.ZodType<T>` annotations keep
// each schema in step with its type in server/protocol.ts.
import { z } from 'zod';
import { ErrorCodes, ResponseError } from '../protocol/rpc';
import type { Attachment, McpServerSetting, MentionsParams } from '../protocol';
import type {
  ApprovalPolicy,
  CancelParams,
  ChangesParams,
  CompactParams,
  RefactorParams,
  ReviewParams,
  RemoveWorktreeParams,
  RunParams,
  SearchParams,
  SymbolsParams,
  ServerSettings,
  VisualParams,
} from '../protocol';

const id = z.string().min(1).max(256);
const thinking = z.enum(['auto', 'on', 'off']);
const count = z.number().int().min(0);
const image = z.object({ mimeType: z.string().min(1).max(100), data: z.string() });

const relPath = z.string().min(1).max(4096);
const attachment: z.ZodType<Attachment> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: relPath }),
  z.object({ kind: z.literal('symbol'), name: z.string().min(1).max(500), path: relPath, line: z.number().int().min(1) }),
  z.object({ kind: z.literal('git') }),
  z.object({ kind: z.literal('text'), source: z.enum(['selection', 'problems', 'terminal']), label: z.string().max(1000), text: z.string(), language: z.string().max(50).optional() }),
]);

export const mentionsParams: z.ZodType<MentionsParams> = z.object({ query: z.string().max(1000), limit: z.number().int().min(1).optional() });

export const runParams: z.ZodType<RunParams> = z.object({
  runId: id,
  task: z.string(),
  images: z.array(image).optional(),
  history: z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() })).optional(),
  thinking: thinking.optional(),
  worktrees: z.boolean().optional(),
  plan: z.boolean().optional(),
  budget: z.object({ tokens: z.number().int().min(0).optional(), usd: z.number().min(0).finite().optional() }).optional(),
  // The count limit (MAX_ATTACHMENTS) is checked where they are resolved, with a message that says so.
  attachments: z.array(attachment).max(1000).optional(),
});

export const cancelParams: z.ZodType<CancelParams> = z.object({ runId: id, agentId: z.string().optional() });
export const compactParams: z.ZodType<CompactParams> = z.object({ runId: id, agentId: z.string().optional() });

export const searchParams: z.ZodType<SearchParams> = z.object({
  query: z.string(),
  regex: z.boolean().optional(),
  glob: z.string().optional(),
  maxResults: count.optional(),
});

export const symbolsParams: z.ZodType<SymbolsParams> = z.object({ name: z.string().min(1).max(1000), kind: z.string().max(100).optional() });

export const changesParams: z.ZodType<ChangesParams> = z.object({ runId: id, withContent: z.boolean().optional() });
const hunkSelection = z.object({ path: z.string().min(1).max(4096), ids: z.array(z.string().regex(/^[0-9a-f]{12}$/, 'a hunk id from swarm/changes')).min(1).max(10_000) });
export const reviewParams: z.ZodType<ReviewParams> = z.object({ runId: id, paths: z.array(z.string()).optional(), hunks: z.array(hunkSelection).max(10_000).optional() });
export const removeWorktreeParams: z.ZodType<RemoveWorktreeParams> = z.object({ path: z.string().min(1).max(4096) });
export const noParams = z.union([z.object({}), z.null(), z.undefined()]);

export const refactorParams: z.ZodType<RefactorParams> = z.object({
  runId: id,
  instruction: z.string(),
  scope: z.object({ glob: z.string().optional(), pattern: z.string().optional(), regex: z.boolean().optional() }).optional(),
  testCommand: z.string().optional(),
  maxShards: count.optional(),
  fixRounds: count.optional(),
  thinking: thinking.optional(),
  worktrees: z.boolean().optional(),
});

export const visualParams: z.ZodType<VisualParams> = z.object({
  runId: id,
  image,
  target: z.enum(['html', 'react']),
  outputPath: z.string().min(1),
  instructions: z.string().optional(),
  maxRounds: count.optional(),
  threshold: z.number().min(0).max(1).optional(),
  patience: count.optional(),
  candidates: count.optional(),
  width: count.optional(),
  height: count.optional(),
  thinking: thinking.optional(),
});

const policy: z.ZodType<ApprovalPolicy> = z.enum(['ask', 'allowlist', 'always', 'never']);
const positive = z.number().int().min(0);

/** The settings a client may send (initializationOptions, didChangeConfiguration). Keys it does not know pass unchecked. */
export const settingsSchema: z.ZodType<Partial<ServerSettings>> = z.looseObject({
  baseUrl: z.string(),
  model: z.string(),
  apiKey: z.string(),
  thinking,
  concurrency: z.number().int().min(1),
  approval: policy,
  toolApproval: z.record(z.string(), policy),
  allowlist: z.array(z.string()),
  maxSteps: positive,
  maxRetries: positive,
  logLevel: z.enum(['error', 'warn', 'info', 'debug']),
  swarm: z.boolean(),
  maxAgents: positive,
  maxTotalSteps: positive,
  subagentMaxSteps: positive,
  subagentTimeoutMs: positive,
  allowNestedSpawn: z.boolean(),
  rpm: positive,
  tpm: positive,
  contextTokens: positive,
  repoMapTokens: positive,
  editPreview: z.boolean(),
  subagentWorktrees: z.boolean(),
  pricing: z.object({ input: z.number(), cachedInput: z.number(), output: z.number() }),
  browserPath: z.string(),
  localModelPath: z.string(),
  localParallel: z.number().int().min(1),
  localContextSize: z.number().int().min(1),
  localGpuLayers: z.union([z.number().int().min(0), z.literal('auto')]),
  maxOutputTokens: positive,
  dialect: z.enum(['auto', 'moonshot', 'vllm', 'none']),
  preset: z.string(),
  contextWindow: positive,
  rules: z.string(),
  sandbox: z.enum(['auto', 'off']),
  allowNetwork: z.boolean(),
  allowedHosts: z.array(z.string().min(1)),
  envPassthrough: z.array(z.string().min(1)),
  secretEnv: z.array(z.string().min(1)),
  shell: z.string().trim().min(1).max(4096).refine((s) => !s.includes('\0'), 'contains a NUL byte'),
  // Each server entry is checked by server/mcp/config.ts (a bad one is logged and left out, the others load).
  mcpServers: z.record(z.string(), z.custom<McpServerSetting>((v) => !!v && typeof v === 'object')),
  mcpWorkspaceConfig: z.string(),
  mcpApproval: z.record(z.string(), z.enum(['ask', 'always', 'never'])),
  mcpTimeoutMs: z.number().int().min(1000),
  budgetTokens: positive,
  budgetUsd: z.number().min(0).finite(),
  swarmConfirmWidth: positive,
}).partial();

/** `issue.path: message; …` for an error message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`).join('; ');
}

/** The params as `T`, or a -32602 ResponseError that names what is wrong. */
export function checked<T>(method: string, schema: z.ZodType<T>, params: unknown): T {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  throw new ResponseError(ErrorCodes.InvalidParams, `${method}: invalid params: ${describeIssues(parsed.error)}`);
}
