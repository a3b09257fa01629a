// swarm/visual: screenshot → component. Runs the render-compare loop, writes the best
// version to `outputPath`, streams one `swarm/visualProgress` per evaluated candidate.
import type { Handler, ServerContext } from '../context';
import type { ChatModel } from '../model/types';
import { createModel } from '../model';
import { VisualProgressNotification, VisualRequest, type VisualIteration, type VisualParams, type VisualResult } from '../protocol';
import { tokenSignal } from './abortable';
import { checked, visualParams } from './params';
import { heatmapPng, runVisualLoop, sharedPool, type BrowserPool, type LoopProgress } from '../visual';

const active = new Map<string, AbortController>();

/** Stops a visual run by id (for `swarm/cancel`); false when none is active. */
export function cancelVisual(runId: string, reason = 'cancelled by the user'): boolean {
  const ctl = active.get(runId);
  if (!ctl) return false;
  ctl.abort(new DOMException(reason, 'AbortError'));
  return true;
}

export interface VisualDeps {
  model?: ChatModel;
  pool?: BrowserPool;
}

function iteration(p: LoopProgress): VisualIteration {
  const it: VisualIteration = {
    round: p.round,
    candidate: p.candidate,
    score: p.score,
    best: p.best,
    improved: p.improved,
  };
  if (p.ssim !== undefined) it.ssim = p.ssim;
  if (p.pixelMismatch !== undefined) it.pixelMismatch = p.pixelMismatch;
  if (p.code !== undefined) it.code = p.code;
  if (p.report !== undefined) it.report = p.report;
  if (p.error !== undefined) it.error = p.error;
  if (p.compare) {
    it.render = p.compare.candidatePng.toString('base64');
    it.heatmap = heatmapPng(p.compare).toString('base64');
  }
  return it;
}

export async function executeVisual(ctx: ServerContext, params: VisualParams, signal: AbortSignal, deps: VisualDeps = {}): Promise<VisualResult> {
  const { runId } = params;
  const base: VisualResult = { runId, status: 'failed', outputPath: '', code: '', bestScore: 0, bestRound: 0, rounds: 0, history: [] };
  if (active.has(runId)) return { ...base, error: `run ${runId} is already active` };
  const controller = new AbortController();
  const onOuter = () => controller.abort(signal.reason);
  if (signal.aborted) onOuter();
  else signal.addEventListener('abort', onOuter, { once: true });
  active.set(runId, controller);
  const settings = ctx.settings();
  const log = ctx.log;
  // The output is journaled like any run's write: swarm/changes reviews it, swarm/reject restores
  // the file it overwrote (or removes the one it created).
  const run = ctx.workspace.forRun?.(runId, `visual: ${params.target} → ${params.outputPath}`);
  let status: VisualResult['status'] = 'failed';
  try {
    const abs = await ctx.workspace.resolve(params.outputPath);
    const outputPath = ctx.workspace.relative(abs);
    const pool = deps.pool ?? sharedPool({ browserPath: settings.browserPath, log });
    const model = deps.model ?? createModel(settings, log);
    const thinking = (params.thinking ?? settings.thinking) !== 'off';
    log.info(`visual ${runId}: ${params.target} → ${outputPath}`);
    const res = await runVisualLoop(
      {
        model,
        pool,
        target: Buffer.from(params.image.data, 'base64'),
        kind: params.target,
        assetDir: abs.replace(/[\\/][^\\/]*$/, ''),
        write: (code, s) => (run ?? ctx.workspace).writeText(outputPath, code, s),
        instructions: params.instructions,
        maxRounds: params.maxRounds,
        threshold: params.threshold,
        patience: params.patience,
        candidates: params.candidates,
        width: params.width,
        height: params.height,
        thinking,
        contextKey: `visual-${runId}`,
        log,
        onProgress: (p) => void ctx.connection.sendNotification(VisualProgressNotification, { runId, iteration: iteration(p) }),
      },
      controller.signal,
    );
    status = res.bestCode ? 'done' : 'failed';
    return {
      runId,
      status,
      outputPath: res.bestCode ? outputPath : '',
      code: res.bestCode,
      bestScore: res.bestScore,
      bestRound: res.bestRound,
      rounds: res.rounds,
      stopReason: res.stopReason,
      history: res.history,
      ...(res.bestCode ? {} : { error: 'no version could be rendered' }),
    };
  } catch (e) {
    if (controller.signal.aborted || (e instanceof Error && e.name === 'AbortError')) {
      status = 'cancelled';
      return { ...base, status };
    }
    const msg = e instanceof Error ? e.message : String(e);
    log.warn(`visual ${runId} failed: ${msg}`);
    return { ...base, error: msg };
  } finally {
    signal.removeEventListener('abort', onOuter);
    active.delete(runId);
    await run?.close(status).catch((err) => log.error(`visual ${runId}: closing its checkpoint journal failed: ${err}`));
  }
}

export const visualHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(VisualRequest, (raw, token) => {
      const params = checked(VisualRequest.method, visualParams, raw);
      return executeVisual(ctx, params, tokenSignal(token).signal);
    });
  },
};
