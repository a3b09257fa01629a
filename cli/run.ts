// `swarmcode run`: one task against the workspace, events streamed to the terminal or as JSON lines.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { LOCAL_BASE_URL, PRESETS, resolveEndpoint } from '../server/model/presets';
import { DIALECTS } from '../server/model/dialect';
import {
  ApprovalRequest,
  CancelRequest,
  EventNotification,
  RunRequest,
  type Attachment,
  type ImageInput,
  type RunBudgetLimits,
  type RunResult,
  type ServerSettings,
} from '../server/protocol';
import type { CliCommand } from './commands';
import { startServer } from './client';
import { describeEngines } from './engines';
import { createPrinter } from './print';
import { visible } from '../webview/visible';
import { loadMcpConfigs } from './mcp-config';
import { parseMentions } from '../server/attachments/parse';
import { shellFor, ShellError } from '../server/tools/shell';

const USAGE = `swarmcode run [--workspace DIR]... [--preset NAME] [--base-url URL] [--model ID] [--api-key-env NAME]
              [--dialect auto|moonshot|vllm|none] [--max-tokens N] [--context-window N] [--thinking on|off]
              [--max-steps N] [--max-total-steps N] [--concurrency N] [--max-agents N] [--subagent-steps N] [--no-swarm]
              [--model-path GGUF] [--context-size N] [--local-parallel N]
              [--worktrees] [--plan] [--yes] [--allow-network] [--allow-host HOST]... [--shell SHELL]
              [--budget-tokens N] [--budget-usd X] [--allow-wide-swarm]
              [--json] [--image FILE]... [--mcp-config FILE]... [--mcp-allow SERVER|TOOL]...
              TASK   (swarmcode run --help: every flag)

TASK may start with a slash command: /init, /plan, /review, /swarm or a custom command
from .swarmcode/commands/NAME.md (its $ARGUMENTS are the rest of TASK).
@path in TASK attaches that workspace file (its content) or folder (its file list) to the
message, @git the uncommitted changes; \\@ is a literal @.`;

/** The parser's options; cli/help.ts describes each (checked by test/unit/cli/help.test.ts). */
export const RUN_OPTIONS = {
  workspace: { type: 'string', multiple: true },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'api-key-env': { type: 'string' },
  preset: { type: 'string' },
  dialect: { type: 'string' },
  'max-tokens': { type: 'string' },
  'context-window': { type: 'string' },
  thinking: { type: 'string' },
  'max-steps': { type: 'string' },
  'max-total-steps': { type: 'string' },
  concurrency: { type: 'string' },
  'max-agents': { type: 'string' },
  'subagent-steps': { type: 'string' },
  swarm: { type: 'boolean', default: true },
  'model-path': { type: 'string' },
  'context-size': { type: 'string' },
  'local-context': { type: 'string' },
  'local-parallel': { type: 'string' },
  yes: { type: 'boolean', default: false },
  'allow-network': { type: 'boolean', default: false },
  'budget-tokens': { type: 'string' },
  'budget-usd': { type: 'string' },
  'allow-wide-swarm': { type: 'boolean', default: false },
  'allow-host': { type: 'string', multiple: true },
  shell: { type: 'string' },
  worktrees: { type: 'boolean', default: false },
  plan: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  image: { type: 'string', multiple: true },
  'mcp-config': { type: 'string', multiple: true },
  'mcp-allow': { type: 'string', multiple: true },
} as const;

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive whole number (got "${value}")`);
  return n;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif' };

function loadImage(file: string): ImageInput {
  const mimeType = IMAGE_TYPES[extname(file).toLowerCase()];
  if (!mimeType) throw new UsageError(`--image ${file}: unsupported type (use PNG, JPEG, WebP or GIF)`);
  try {
    return { mimeType, data: readFileSync(file).toString('base64') };
  } catch (err) {
    throw new UsageError(`--image ${file}: ${(err as Error).message}`);
  }
}

export interface RunOptions {
  /** The (first) workspace folder. */
  workspace: string;
  /** Every workspace folder when --workspace was given more than once (a multi-root workspace). */
  workspaces?: string[];
  settings: Partial<ServerSettings>;
  task: string;
  images: ImageInput[];
  /** `@path` / `@git` mentions in the task (RunParams.attachments). */
  attachments: Attachment[];
  json: boolean;
  /** Each sub-agent in its own git worktree (RunParams.worktrees). */
  worktrees?: boolean;
  /** Plan mode: read-only tools, the answer is a plan (RunParams.plan). */
  plan?: boolean;
  /** --budget-tokens / --budget-usd (RunParams.budget). */
  budget?: RunBudgetLimits;
  /** --allow-wide-swarm: answer yes when the server asks before a wide spawn_swarm. */
  allowWideSwarm?: boolean;
  /** --verbose: the engines the server chose go to stderr before the run. */
  verbose?: boolean;
}

/** --budget-usd: dollars, a finite number > 0. */
export function parseUsd(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !Number.isFinite(n) || n <= 0) throw new UsageError(`--budget-usd must be a positive amount of dollars such as 0.50 (got "${value}")`);
  return n;
}

export function parseRunArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RunOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, allowNegative: true, options: RUN_OPTIONS });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const { text: task, attachments } = parseMentions(positionals.join(' ').trim());
  if (!task) throw new UsageError('no TASK given');
  const thinking = values.thinking;
  if (thinking !== undefined && thinking !== 'on' && thinking !== 'off') throw new UsageError('--thinking must be on or off');
  const workspaces = (values.workspace?.length ? values.workspace : [process.cwd()]).map((w) => resolve(w));
  for (const workspace of workspaces) {
    try {
      if (!statSync(workspace).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new UsageError(`--workspace ${workspace}: ${(err as Error).message}`);
    }
  }
  const workspace = workspaces[0];
  const preset = values.preset === undefined ? undefined : PRESETS.find((p) => p.id === values.preset);
  if (values.preset !== undefined && !preset) throw new UsageError(`--preset ${values.preset}: unknown; one of ${PRESETS.map((p) => p.id).join(', ')}`);
  const dialect = values.dialect;
  if (dialect !== undefined && dialect !== 'auto' && !(DIALECTS as readonly string[]).includes(dialect)) throw new UsageError('--dialect must be auto, moonshot, vllm or none');
  const maxOutputTokens = positiveInt('--max-tokens', values['max-tokens']);
  const contextWindow = positiveInt('--context-window', values['context-window']);
  const maxSteps = positiveInt('--max-steps', values['max-steps']);
  const maxTotalSteps = positiveInt('--max-total-steps', values['max-total-steps']);
  const concurrency = positiveInt('--concurrency', values.concurrency);
  const maxAgents = positiveInt('--max-agents', values['max-agents']);
  const subagentMaxSteps = positiveInt('--subagent-steps', values['subagent-steps']);
  const localContextSize = parseContextSize(values['context-size'], '--context-size') ?? parseContextSize(values['local-context'], '--local-context');
  const localParallel = positiveInt('--local-parallel', values['local-parallel']);
  const budgetTokens = positiveInt('--budget-tokens', values['budget-tokens']);
  const budgetUsd = parseUsd(values['budget-usd']);
  const modelPath = values['model-path'];
  if (modelPath !== undefined && !modelPath.trim()) throw new UsageError('--model-path is empty');
  // A GGUF on the command line means the embedded engine, unless a base URL is named too.
  const explicitUrl = values['base-url'] ?? preset?.baseUrl ?? (modelPath ? LOCAL_BASE_URL : env.SWARMCODE_BASE_URL);
  const decision = resolveEndpoint(
    {
      baseUrl: explicitUrl,
      model: values.model ?? env.SWARMCODE_MODEL ?? preset?.defaultModel,
      apiKeyEnv: values['api-key-env'] ?? preset?.apiKeyEnv,
      localModelPath: modelPath,
      baseUrlExplicit: explicitUrl !== undefined,
    },
    env,
  );
  if (!decision.ok) throw new UsageError(decision.message);
  const endpoint = decision.endpoint;
  if (localContextSize && endpoint.kind !== 'local') throw new UsageError('--context-size sizes the embedded engine; this run uses an endpoint (set the context on its server)');
  const shell = values.shell?.trim();
  if (values.shell !== undefined) {
    // Checked here, on the machine the server runs on: a missing shell is a usage error, not a failed run.
    try {
      shellFor('', shell || '(empty)', { platform: process.platform, env, exists: (f) => existsSync(f) });
    } catch (err) {
      throw new UsageError(`--shell: ${err instanceof ShellError ? err.message : String(err)}`);
    }
  }
  let mcp: ReturnType<typeof loadMcpConfigs>;
  try {
    mcp = loadMcpConfigs((values['mcp-config'] ?? []).map((f) => resolve(f)), values['mcp-allow'] ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const settings: Partial<ServerSettings> = {
    ...(endpoint.kind === 'local'
      ? { baseUrl: LOCAL_BASE_URL, model: 'local', localModelPath: endpoint.modelPath }
      : { baseUrl: endpoint.baseUrl, model: endpoint.model, apiKey: endpoint.apiKey }),
    approval: values.yes ? 'always' : 'allowlist',
    ...(values['allow-network'] ? { allowNetwork: true } : {}),
    ...(values['allow-host']?.length ? { allowedHosts: values['allow-host'] } : {}),
    ...(shell ? { shell } : {}),
    // The key's variable never reaches commands, whatever its name (docs/security.md).
    ...(values['api-key-env'] ?? preset?.apiKeyEnv ? { secretEnv: [(values['api-key-env'] ?? preset?.apiKeyEnv)!] } : {}),
    ...(thinking ? { thinking } : {}),
    ...(preset ? { preset: preset.id } : {}),
    ...(dialect ? { dialect: dialect as ServerSettings['dialect'] } : {}),
    ...(maxOutputTokens ? { maxOutputTokens } : {}),
    ...(contextWindow ? { contextWindow } : {}),
    ...(maxSteps ? { maxSteps } : {}),
    ...(maxTotalSteps ? { maxTotalSteps } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(maxAgents ? { maxAgents } : {}),
    ...(subagentMaxSteps ? { subagentMaxSteps } : {}),
    ...(values.swarm === false ? { swarm: false } : {}),
    ...(localContextSize ? { localContextSize } : {}),
    ...(localParallel ? { localParallel } : {}),
    ...mcp,
    logLevel: env.SWARMCODE_LOG === 'debug' ? 'debug' : 'warn',
  };
  return { workspace, ...(workspaces.length > 1 ? { workspaces } : {}), settings, task, attachments, images: (values.image ?? []).map(loadImage), json: values.json, worktrees: values.worktrees, plan: values.plan,
    ...(budgetTokens || budgetUsd ? { budget: { ...(budgetTokens ? { tokens: budgetTokens } : {}), ...(budgetUsd ? { usd: budgetUsd } : {}) } } : {}),
    ...(values['allow-wide-swarm'] ? { allowWideSwarm: true } : {}),
    ...(values.verbose ? { verbose: true } : {}) };
}

/** --context-size (alias --local-context): tokens of context per local sequence (the embedded engine only). */
export function parseContextSize(value: string | undefined, flag = '--context-size'): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 512) throw new UsageError(`${flag} must be a whole number of tokens, at least 512 (got "${value}")`);
  return n;
}

export async function runTask(opts: RunOptions): Promise<number> {
  const server = await startServer(opts.workspaces ?? opts.workspace, opts.settings);
  if (opts.verbose) process.stderr.write(`engines: ${server.engines ? describeEngines(server.engines) : 'not reported by the server'}\n`);
  const printer = createPrinter(opts.json);
  const runId = randomUUID();
  const cts = new CancellationTokenSource();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\ninterrupted: cancelling the run…\n');
    server.connection.sendRequest(CancelRequest, { runId }).catch(() => undefined);
    cts.cancel();
  };
  process.on('SIGINT', onSigint);
  server.connection.onNotification(EventNotification, ({ runId: id, event }) => {
    if (id === runId) printer.event(event);
  });
  // The CLI asks no questions (commands follow the allowlist, or --yes): anything the server still
  // asks about is declined, and the terminal shows exactly what was refused (control characters escaped).
  server.connection.onRequest(ApprovalRequest, (p) => {
    if (p.kind === 'swarm') {
      process.stderr.write(`${opts.allowWideSwarm ? 'allowed' : 'declined'} (${p.agentId}): a swarm of ${p.width} sub-agents (more than ${p.limit})${opts.allowWideSwarm ? '' : '\n  (use --allow-wide-swarm to allow it)'}\n`);
      return { approved: opts.allowWideSwarm === true };
    }
    const what = p.kind === 'command' ? `command ${visible(p.command)}` : p.kind === 'write' ? `${p.tool}: write ${visible(p.path)}` : `${p.tool} ${visible(p.args.slice(0, 2000))}`;
    const why = p.reason ? `\n  asked because ${visible(p.reason)}` : '';
    process.stderr.write(`declined (${p.agentId}): ${what}${why}\n  (the CLI does not ask; use --yes to allow commands)\n`);
    return { approved: false };
  });
  server.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
    if (p.type <= 2) process.stderr.write(`server: ${p.message}\n`);
  });
  try {
    const crashed = server.exited.then((code) => {
      throw new Error(`the server exited unexpectedly (code ${code})\n${server.stderr.join('').slice(-2000)}`);
    });
    const result: RunResult = await Promise.race([
      server.connection.sendRequest(RunRequest, { runId, task: opts.task, images: opts.images, ...(opts.attachments.length ? { attachments: opts.attachments } : {}), ...(opts.worktrees ? { worktrees: true } : {}), ...(opts.plan ? { plan: true } : {}), ...(opts.budget ? { budget: opts.budget } : {}) }, cts.token),
      crashed,
    ]);
    printer.finish(result);
    if (interrupted) return 130;
    return result.status === 'done' ? 0 : result.stopReason === 'budget' ? 3 : result.status === 'cancelled' ? 130 : 1;
  } catch (err) {
    if (interrupted) return 130;
    printer.fatal((err as Error).message);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    // The result is printed: leave the server to exit on its own (cli/client.ts).
    await server.shutdown({ wait: false });
  }
}

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run one task in a workspace',
  usage: USAGE,
  async run(argv) {
    let opts: RunOptions;
    try {
      opts = parseRunArgs(argv);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`swarmcode run: ${err.message}\nusage: ${USAGE}\n`);
        return 2;
      }
      throw err;
    }
    return runTask(opts);
  },
};
