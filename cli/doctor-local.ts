// `swarmcode doctor` for the embedded engine: the GGUF, the runtime, and a real first turn — the
// system prompt and tools a run sends, through the engine configured as a run configures it — so
// a prompt that does not fit the context, or a model that cannot generate, is found here and not
// in the first step of a run.
import { performance } from 'node:perf_hooks';
import { createLogger } from '../server/log';
import { DEFAULT_SETTINGS, type ServerSettings } from '../server/protocol';
import type { ModelEvent } from '../server/model/types';
import type { DoctorCheck } from './doctor';
import { firstTurnRequest } from './first-turn';

export interface LocalDoctorOptions {
  modelPath: string;
  reason: string;
  contextSize?: number;
  timeoutMs: number;
  /** Workspace named in the first turn's context (default: the current directory). */
  workspace?: string;
}

export async function checkLocal(o: LocalDoctorOptions, checks: DoctorCheck[]): Promise<DoctorCheck[]> {
  checks.push({ name: 'configuration', status: 'ok', detail: `embedded llama.cpp with ${o.modelPath}${o.reason === 'no-endpoint' ? ' (no endpoint configured, so the local GGUF is used)' : ''}` });
  const { getRuntime, loadNodeLlamaCpp, disposeLocalModels } = await import('../server/model/llama/runtime');
  try {
    const m = await loadNodeLlamaCpp();
    const info = await m.readGgufFileInfo(o.modelPath);
    const meta = info.metadata as unknown as { general: { architecture: string }; tokenizer?: { ggml?: { tokens?: readonly string[] } } } & Record<string, Record<string, unknown>>;
    const arch = meta.general.architecture;
    const experts = meta[arch]?.expert_count;
    const kimi = meta.tokenizer?.ggml?.tokens?.includes('<|tool_call_begin|>') ?? false;
    checks.push({ name: 'model file', status: 'ok', detail: `${arch}${experts ? `, ${String(experts)} experts` : ''}, ${kimi ? 'Kimi template (raw, grammar-constrained tool calls)' : 'node-llama-cpp chat wrapper'}` });
  } catch (err) {
    checks.push({ name: 'model file', status: 'fail', detail: (err as Error).message, fix: 'Point localModelPath / SWARMCODE_MODEL_PATH / --model-path at a valid .gguf file.' });
    return checks;
  }
  const llama = await getRuntime('auto');
  checks.push({
    name: 'runtime',
    status: 'ok',
    detail: llama.gpu ? `GPU (${llama.gpu})` : 'CPU only',
    fix: llama.gpu ? undefined : 'No GPU found: large models will be slow; see docs/serving.md for expert offload and serving options.',
  });
  checks.push(await firstTurn(o));
  checks.push({ name: 'images', status: 'warn', detail: 'the embedded engine has no vision encoder', fix: 'Use an endpoint serving kimi-k2.5 for visual coding.' });
  await disposeLocalModels();
  return checks;
}

/** The run's first request through the engine a run would create (same parallelism and context). */
async function firstTurn(o: LocalDoctorOptions): Promise<DoctorCheck> {
  const { createLocalModel } = await import('../server/model/llama/index');
  const lines: string[] = [];
  const log = createLogger(() => 'info', (_level, line) => lines.push(line));
  const settings: ServerSettings = { ...DEFAULT_SETTINGS, baseUrl: 'local', model: 'local', localModelPath: o.modelPath, localContextSize: o.contextSize };
  const engine = createLocalModel(settings, log) as ReturnType<typeof createLocalModel> & { dispose?(): Promise<void> };
  const request = firstTurnRequest(o.workspace ?? process.cwd(), 'Say hello.', { maxTokens: 8 });
  const signal = AbortSignal.timeout(o.timeoutMs);
  const started = performance.now();
  let firstAt = 0;
  let usage: Extract<ModelEvent, { type: 'usage' }>['usage'] | undefined;
  try {
    for await (const e of engine.stream(request, signal)) {
      if (!firstAt && (e.type === 'text' || e.type === 'reasoning' || e.type === 'tool_call')) firstAt = performance.now();
      if (e.type === 'usage') usage = e.usage;
    }
  } catch (err) {
    const message = (err as Error).message;
    const fit = /does not fit|do not fit/.test(message);
    return {
      name: 'first turn',
      status: 'fail',
      detail: signal.aborted ? `no answer within ${Math.round(o.timeoutMs / 1000)} s` : message,
      fix: fit
        ? 'Give each sequence more context (swarmcode run --context-size N, the swarmcode.localContextSize setting) or run fewer in parallel (localParallel).'
        : 'The model could not answer the system prompt and tools a run sends; see the message above.',
    };
  } finally {
    await engine.dispose?.();
  }
  const setup = lines.find((l) => l.includes('local engine:'))?.replace(/^.*local engine: /, '') ?? '';
  const ttft = ((firstAt || performance.now()) - started) / 1000;
  return {
    name: 'first turn',
    status: 'ok',
    detail: `${usage?.input ?? '?'} prompt tokens (system prompt + ${request.tools.length} tools), first token after ${ttft.toFixed(1)} s; ${setup}`,
  };
}
