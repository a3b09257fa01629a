// The render-compare loop: generate → render → compare → feed the report and crops back as
// image parts → refine. Stops at a score threshold, after `patience` rounds without
// improvement, or after `maxRounds`; keeps (and writes) the best version. With
// `candidates` > 1 every round samples that many versions in parallel, each rendered in
// its own browser context, and the best one is kept.
import type { Logger } from '../log';
import type { ChatMessage, ChatModel, ContentPart } from '../model/types';
import type { BrowserPool } from './browser-pool';
import { AbortError, throwIfAborted } from './browser-pool';
import { compareRendered, type CompareResult } from './compare';
import { decodeImage, sniffMime } from './image-input';
import type { RgbaImage } from './png';
import { formatReport, regionCrops } from './report';
import { sourceFromCode, type TargetKind } from './render';
import type { VisualIteration } from '../protocol';
import { extractCode } from './extract-code';

export { extractCode } from './extract-code';

export type StopReason = 'threshold' | 'patience' | 'max';

/** One evaluated candidate: the protocol's VisualIteration, with the full comparison instead of the PNGs. */
export interface LoopProgress extends Omit<VisualIteration, 'render' | 'heatmap'> {
  /** The full comparison (render PNG, diff images) when the candidate rendered. */
  compare?: CompareResult;
}

export interface VisualLoopOptions {
  model: ChatModel;
  pool: BrowserPool;
  /** The design: PNG, JPEG or WebP bytes. */
  target: Uint8Array;
  kind: TargetKind;
  /** Folder relative asset URLs resolve against (the output file's folder). */
  assetDir?: string;
  /** Persists the best code so far; called whenever the best improves. */
  write?: (code: string, signal: AbortSignal) => Promise<void>;
  /** Extra instructions from the user. */
  instructions?: string;
  maxRounds?: number;
  threshold?: number;
  /** Rounds without improvement before stopping. */
  patience?: number;
  candidates?: number;
  thinking?: boolean;
  width?: number;
  height?: number;
  /** Prefix of the browser-context keys (one per candidate). */
  contextKey?: string;
  onProgress?: (p: LoopProgress) => void;
  log?: Logger;
}

export interface LoopResult {
  bestCode: string;
  bestScore: number;
  /** Round that produced the best version (0 when none rendered). */
  bestRound: number;
  rounds: number;
  stopReason: StopReason;
  history: { round: number; candidate: number; score: number }[];
  best?: CompareResult;
}

export const LOOP_DEFAULTS = { maxRounds: 5, threshold: 0.95, patience: 2, candidates: 1 };

function systemPrompt(kind: TargetKind, width: number, height: number): string {
  const what =
    kind === 'react'
      ? 'one React function component in TypeScript (TSX) as the default export; styles inline or in a <style> element rendered by the component; import nothing but "react"'
      : 'one complete, self-contained HTML document with all CSS inline in a <style> element and no JavaScript';
  const fence = kind === 'react' ? 'tsx' : 'html';
  return [
    'You are an expert front-end engineer who reproduces designs pixel-perfectly.',
    `Write ${what}. It is rendered in Chromium at a ${width}×${height} viewport (device scale 1) and compared with the screenshot pixel by pixel.`,
    'No network access: external URLs (fonts, images, CDNs) do not load. Use system fonts and CSS shapes or solid colours for images.',
    `Answer with exactly one fenced code block (\`\`\`${fence}) containing the whole file, and nothing after it.`,
  ].join('\n');
}

interface Attempt {
  reply: string;
  code?: string;
  result?: CompareResult;
  error?: string;
  score: number;
}

async function ask(model: ChatModel, messages: ChatMessage[], thinking: boolean, signal: AbortSignal): Promise<string> {
  let text = '';
  for await (const ev of model.stream({ messages, tools: [], thinking }, signal)) {
    if (ev.type === 'text') text += ev.text;
  }
  return text;
}

function feedback(best: Attempt, last: Attempt[], bestRound: number, kind: TargetKind): ContentPart[] {
  const parts: ContentPart[] = [];
  const worse = last.filter((a) => a !== best);
  const notes: string[] = [];
  for (const a of worse) {
    notes.push(a.error ? `A later attempt failed: ${a.error}` : `A later attempt scored ${a.score.toFixed(3)}, below the best (${best.score.toFixed(3)}); it was discarded.`);
  }
  const head = best.result
    ? `Your best version so far (round ${bestRound}) rendered and was compared with the target:\n${formatReport(best.result)}`
    : `Your last answer could not be rendered: ${best.error ?? 'unknown error'}`;
  parts.push({ type: 'text', text: [head, ...notes].join('\n') });
  if (best.result) {
    parts.push({ type: 'text', text: 'Your render:' });
    parts.push({ type: 'image', mimeType: 'image/png', data: best.result.candidatePng.toString('base64') });
    for (const c of regionCrops(best.result, 3)) {
      parts.push({ type: 'text', text: `Region ${c.index + 1} at (${c.box.x},${c.box.y} ${c.box.width}×${c.box.height}) — target, then your render:` });
      parts.push({ type: 'image', mimeType: 'image/png', data: c.target.toString('base64') });
      parts.push({ type: 'image', mimeType: 'image/png', data: c.candidate.toString('base64') });
    }
  }
  parts.push({
    type: 'text',
    text: `Fix the largest differences first. Answer with the complete corrected file in one \`\`\`${kind === 'react' ? 'tsx' : 'html'} block.`,
  });
  return parts;
}

/** Runs the loop to completion; throws only for model failures, aborts and internal faults. */
export async function runVisualLoop(opts: VisualLoopOptions, signal: AbortSignal): Promise<LoopResult> {
  const maxRounds = Math.max(1, opts.maxRounds ?? LOOP_DEFAULTS.maxRounds);
  const threshold = opts.threshold ?? LOOP_DEFAULTS.threshold;
  const patience = Math.max(1, opts.patience ?? LOOP_DEFAULTS.patience);
  const n = Math.max(1, Math.min(8, opts.candidates ?? LOOP_DEFAULTS.candidates));
  const keyBase = opts.contextKey ?? `loop-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const target: RgbaImage = await decodeImage(opts.pool, opts.target, signal);
  const width = opts.width ?? target.width;
  const height = opts.height ?? Math.min(target.height, 800);
  const mime = sniffMime(opts.target) ?? 'image/png';

  const first: ContentPart[] = [
    { type: 'text', text: `Reproduce this design (${target.width}×${target.height} px).${opts.instructions ? `\n${opts.instructions}` : ''}` },
    { type: 'image', mimeType: mime, data: Buffer.from(opts.target).toString('base64') },
  ];
  const base: ChatMessage[] = [
    { role: 'system', content: systemPrompt(opts.kind, width, height) },
    { role: 'user', content: first },
  ];

  const history: LoopResult['history'] = [];
  let best: Attempt | undefined;
  let bestRound = 0;
  let stale = 0;
  let rounds = 0;
  let stopReason: StopReason = 'max';
  let messages = base;

  const evaluate = async (reply: string, i: number): Promise<Attempt> => {
    const code = extractCode(reply, opts.kind);
    if (!code) return { reply, score: 0, error: 'no fenced code block found in the answer' };
    try {
      const result = await compareRendered(
        opts.pool,
        { target, candidate: sourceFromCode(opts.kind, code, opts.assetDir), width, height, contextKey: `${keyBase}-c${i}` },
        signal,
      );
      return { reply, code, result, score: result.score };
    } catch (e) {
      if (e instanceof AbortError || signal.aborted) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      return { reply, code, score: 0, error: `render failed: ${msg.slice(0, 2000)}` };
    }
  };

  try {
    for (let round = 1; round <= maxRounds; round++) {
      throwIfAborted(signal);
      rounds = round;
      const attempts = await Promise.all(
        Array.from({ length: n }, async (_, i) => evaluate(await ask(opts.model, messages, opts.thinking ?? false, signal), i)),
      );
      let improved = false;
      attempts.forEach((a, i) => {
        history.push({ round, candidate: i, score: a.score });
        const rendered = a.result !== undefined;
        if (rendered && (!best?.result || a.score > best.score + 1e-6)) {
          best = a;
          bestRound = round;
          improved = true;
        } else if (!best?.result) {
          best = a; // nothing rendered yet: feed back the latest failure
        }
        opts.onProgress?.({
          round,
          candidate: i,
          score: a.score,
          ssim: a.result?.ssim,
          pixelMismatch: a.result?.pixelMismatch,
          best: best!.score,
          improved: best === a,
          code: a.code,
          report: a.result ? formatReport(a.result) : undefined,
          error: a.error,
          compare: a.result,
        });
      });
      const b = best!;
      if (improved && b.code !== undefined && opts.write) await opts.write(b.code, signal);
      opts.log?.debug(`visual loop: round ${round} best ${b.score.toFixed(3)}`);
      if (b.result && b.score >= threshold) {
        stopReason = 'threshold';
        break;
      }
      stale = improved ? 0 : stale + 1;
      if (stale >= patience) {
        stopReason = 'patience';
        break;
      }
      if (round === maxRounds) break;
      messages = [...base, { role: 'assistant', content: b.reply }, { role: 'user', content: feedback(b, attempts, bestRound, opts.kind) }];
    }
  } finally {
    for (let i = 0; i < n; i++) void opts.pool.releaseContext(`${keyBase}-c${i}`);
  }
  const b = best as Attempt | undefined;
  const ok = !!b?.result;
  return {
    bestCode: ok ? b!.code! : '',
    bestScore: ok ? b!.score : 0,
    bestRound: ok ? bestRound : 0,
    rounds,
    stopReason,
    history,
    best: b?.result,
  };
}

export { AbortError };
