// `swarmcode doctor`: checks the configured model endpoint (or local GGUF) and says what to fix.
import { resolveDialect } from '../server/model/dialect';
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../server/protocol';
import { findPreset, resolveEndpoint, type EndpointPreset } from '../server/model/presets';
import type { CliCommand } from './commands';
import { checkLocal } from './doctor-local';
import { LOCAL_BASE_URL } from '../server/model/presets';
import { parseContextSize } from './run';
import { probeEngines } from './engines';

const USAGE = 'swarmcode doctor [--base-url URL] [--model ID] [--api-key-env NAME] [--model-path GGUF] [--context-size TOKENS] [--json]';

export interface DoctorCheck {
  name: string;
  status: 'ok' | 'fail' | 'warn' | 'skip';
  detail: string;
  fix?: string;
}

export interface DoctorOptions {
  baseUrl?: string;
  model?: string;
  apiKeyEnv?: string;
  localModelPath?: string;
  /** Context per sequence for the embedded engine's first turn (default: the engine's own). */
  contextSize?: number;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

// 8×8 red PNG.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAQMAAAD+wSzIAAAABlBMVEX/AAD///9BHTQRAAAADklEQVQI12P4z8DAwMAAAAAI/wH/AAAAAElFTkSuQmCC';

type Json = Record<string, unknown>;

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: Json | undefined; text: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: Json | undefined;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

function errorText(r: { body: Json | undefined; text: string }): string {
  const e = r.body?.error as { message?: string } | string | undefined;
  return (typeof e === 'string' ? e : e?.message) ?? r.text.slice(0, 200);
}

function thinkingOff(preset: EndpointPreset | undefined, baseUrl: string): Json {
  const dialect = resolveDialect({ baseUrl, preset: preset?.id });
  if (dialect === 'moonshot') return { thinking: { type: 'disabled' } };
  if (dialect === 'vllm') return { chat_template_kwargs: { thinking: false } };
  return {};
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorCheck[]> {
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const checks: DoctorCheck[] = [];
  const decision = resolveEndpoint(
    { baseUrl: opts.baseUrl, model: opts.model, apiKeyEnv: opts.apiKeyEnv, localModelPath: opts.localModelPath, baseUrlExplicit: opts.baseUrl !== undefined },
    env,
  );
  if (!decision.ok) {
    checks.push({ name: 'configuration', status: 'fail', detail: 'no usable model', fix: decision.message });
    return checks;
  }
  const ep = decision.endpoint;
  // A first turn of a multi-thousand-token prompt on a CPU takes a while: minutes, not seconds.
  if (ep.kind === 'local') return checkLocal({ modelPath: ep.modelPath, reason: ep.reason, contextSize: opts.contextSize, timeoutMs: opts.timeoutMs ?? 600_000 }, checks);

  const preset = ep.preset ?? findPreset(ep.baseUrl);
  const keyEnv = opts.apiKeyEnv ?? preset?.apiKeyEnv ?? 'MOONSHOT_API_KEY';
  checks.push({ name: 'configuration', status: 'ok', detail: `${preset?.label ?? 'custom endpoint'} ${ep.baseUrl}, model ${ep.model}${ep.apiKey ? `, key from ${keyEnv}` : ', no key'}` });
  const base = ep.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (ep.apiKey) headers.authorization = `Bearer ${ep.apiKey}`;

  // 1. reachable + 2. model listed
  let ids: string[] = [];
  try {
    const r = await call(`${base}/models`, { headers }, timeoutMs);
    if (r.status === 401 || r.status === 403) {
      checks.push({ name: 'reachable', status: 'fail', detail: `HTTP ${r.status}: ${errorText(r)}`, fix: `The key was refused: set a valid key in ${keyEnv} (or --api-key-env NAME).` });
      return checks;
    }
    if (r.status !== 200) {
      checks.push({ name: 'reachable', status: 'fail', detail: `GET /models → HTTP ${r.status}: ${errorText(r)}`, fix: 'The base URL should end in /v1 of an OpenAI-compatible server.' });
      return checks;
    }
    checks.push({ name: 'reachable', status: 'ok', detail: `GET ${base}/models → 200` });
    ids = ((r.body?.data as { id?: string }[] | undefined) ?? []).map((m) => m.id ?? '').filter(Boolean);
  } catch (err) {
    checks.push({
      name: 'reachable',
      status: 'fail',
      detail: `${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`,
      fix: `Nothing answered at ${base}. Is the server running and the URL right (scheme, host, port, /v1)?`,
    });
    return checks;
  }
  if (ids.includes(ep.model)) checks.push({ name: 'model listed', status: 'ok', detail: ep.model });
  else {
    checks.push({
      name: 'model listed',
      status: 'fail',
      detail: `${ep.model} is not among ${ids.length} models`,
      fix: `Use --model with one of: ${ids.slice(0, 10).join(', ') || '(the server lists none)'}${preset?.id === 'vllm' ? ' (or start vLLM with --served-model-name)' : ''}.`,
    });
  }

  // 3. tool calls
  const chat = (body: Json) => call(`${base}/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: ep.model, stream: false, max_tokens: 256, ...thinkingOff(preset, base), ...body }) }, timeoutMs);
  try {
    const r = await chat({
      messages: [{ role: 'user', content: 'Call the ping tool with value "ok". Do not answer in text.' }],
      tools: [{ type: 'function', function: { name: 'ping', description: 'Health check', parameters: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] } } }],
    });
    const calls = ((r.body?.choices as { message?: { tool_calls?: { function?: { name?: string; arguments?: string } }[] } }[] | undefined)?.[0]?.message?.tool_calls) ?? [];
    const parserFix = 'Serve with tool calling on: vLLM `--enable-auto-tool-choice --tool-call-parser kimi_k2`, SGLang `--tool-call-parser kimi_k2`, llama-server `--jinja`.';
    if (r.status !== 200) checks.push({ name: 'tool calls', status: 'fail', detail: `HTTP ${r.status}: ${errorText(r)}`, fix: parserFix });
    else if (calls[0]?.function?.name === 'ping') {
      let valid = true;
      try {
        JSON.parse(calls[0].function.arguments ?? '');
      } catch {
        valid = false;
      }
      checks.push(valid ? { name: 'tool calls', status: 'ok', detail: `ping(${calls[0].function.arguments})` } : { name: 'tool calls', status: 'warn', detail: 'arguments are not valid JSON', fix: parserFix });
    } else checks.push({ name: 'tool calls', status: 'warn', detail: 'the model answered without a structured tool call', fix: parserFix });
  } catch (err) {
    checks.push({ name: 'tool calls', status: 'fail', detail: (err as Error).message, fix: 'The request timed out or the connection broke; retry, or raise the server timeout.' });
  }

  // 4. images
  try {
    const r = await chat({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What colour is this image? One word.' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }],
    });
    if (r.status === 200) checks.push({ name: 'images', status: 'ok', detail: 'image input accepted' });
    else
      checks.push({
        name: 'images',
        status: 'fail',
        detail: `HTTP ${r.status}: ${errorText(r)}`,
        fix: 'This model/server takes no images: use kimi-k2.5 (vision), and on vLLM a multimodal checkpoint (K2.5 with `--mm-encoder-tp-mode data`). Visual coding needs it.',
      });
  } catch (err) {
    checks.push({ name: 'images', status: 'fail', detail: (err as Error).message });
  }
  return checks;
}

export function formatChecks(checks: DoctorCheck[]): string {
  const mark = { ok: '✓', fail: '✗', warn: '!', skip: '-' } as const;
  return checks
    .map((c) => `${mark[c.status]} ${c.name}: ${c.detail}${c.fix ? `\n    → ${c.fix.split('\n').join('\n      ')}` : ''}`)
    .join('\n');
}

/** The parser's options; cli/help.ts describes each. */
export const DOCTOR_OPTIONS = { 'base-url': { type: 'string' }, model: { type: 'string' }, 'api-key-env': { type: 'string' }, 'model-path': { type: 'string' }, 'context-size': { type: 'string' }, json: { type: 'boolean' } } as const;

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check the model endpoint (reachable, model listed, tool calls, images) and the search and symbols engines, and say what to fix',
  usage: USAGE,
  async run(argv) {
    let values: Record<string, string | boolean | undefined>;
    let contextSize: number | undefined;
    try {
      values = parseArgs({
        args: argv,
        strict: true,
        options: DOCTOR_OPTIONS,
      }).values;
      contextSize = parseContextSize(values['context-size'] as string | undefined);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\nusage: ${USAGE}\n`);
      return 2;
    }
    const modelPath = values['model-path'] as string | undefined;
    const checks = await runDoctor({
      // A GGUF named here is what gets checked, unless --base-url says otherwise.
      baseUrl: (values['base-url'] as string | undefined) ?? (modelPath ? LOCAL_BASE_URL : undefined),
      contextSize,
      model: (values.model as string | undefined) ?? (values['base-url'] ? undefined : DEFAULT_SETTINGS.model),
      apiKeyEnv: values['api-key-env'] as string | undefined,
      localModelPath: modelPath,
    });
    // The engines the server chooses here, from its own initialize result (issue 15).
    checks.push(...(await probeEngines(process.cwd())));
    process.stdout.write(values.json ? `${JSON.stringify(checks)}\n` : `${formatChecks(checks)}\n`);
    return checks.some((c) => c.status === 'fail') ? 1 : 0;
  },
};
