// The comparer: a target image (optionally the HTML it came from) against a rendered
// candidate → score, pixel mismatch, SSIM, difference regions named by the DOM behind
// them, and Design2Code-style block scores when the target is HTML.
//
// Score: score = max(0, SSIM) × (1 − pixelMismatch), in [0, 1], 1 = identical.
// SSIM (structure, windowed on luminance, see ssim.ts) carries layout and texture;
// the pixel mismatch ratio (pixelmatch, threshold 0.1, anti-aliasing ignored) carries
// exact colour and position; the product is 1 only when both say identical and falls
// when either finds a difference.
import pixelmatch from 'pixelmatch';
import type { BrowserPool, RenderPage } from './browser-pool';
import { throwIfAborted } from './browser-pool';
import { describeBoxes, startCollecting, textBlocks, type ElementInfo, type TextBlock } from './dom';
import { blockScores, type BlockScores } from './blocks';
import { decodeImage } from './image-input';
import { capture } from './page-load';
import { decodePng, meanColor, padTo, type RgbaImage } from './png';
import { findRegions, type Region, type RegionOptions } from './regions';
import { withRendered, type RenderSource } from './render';
import { ssim } from './ssim';

export interface ImageDiff {
  width: number;
  height: number;
  /** Ratio of differing pixels, 0..1. */
  pixelMismatch: number;
  mismatchedPixels: number;
  ssim: number;
  score: number;
  regions: Region[];
  /** 1 where the pixel differs (width×height). */
  mask: Uint8Array;
  /** Both images padded to width×height. */
  target: RgbaImage;
  candidate: RgbaImage;
}

export interface DiffOptions extends RegionOptions {
  /** pixelmatch colour threshold 0..1 (default 0.1). */
  threshold?: number;
}

export function combineScore(ssimValue: number, pixelMismatch: number): number {
  return Math.max(0, Math.min(1, ssimValue)) * (1 - Math.max(0, Math.min(1, pixelMismatch)));
}

/** Pure image comparison; images of different sizes are padded with white to the larger. */
export function diffImages(target: RgbaImage, candidate: RgbaImage, opts: DiffOptions = {}): ImageDiff {
  const width = Math.max(target.width, candidate.width);
  const height = Math.max(target.height, candidate.height);
  const t = padTo(target, width, height);
  const c = padTo(candidate, width, height);
  const out = new Uint8Array(width * height * 4);
  const mismatched = pixelmatch(t.data, c.data, out, width, height, {
    threshold: opts.threshold ?? 0.1,
    diffMask: true,
    diffColor: [255, 0, 0],
    aaColor: [0, 0, 255],
  });
  const mask = new Uint8Array(width * height);
  if (mismatched) {
    for (let i = 0, j = 0; i < mask.length; i++, j += 4) if (out[j] === 255 && out[j + 3]) mask[i] = 1;
  }
  const s = mismatched ? ssim(t, c) : 1;
  const pixelMismatch = mismatched / (width * height || 1);
  return {
    width,
    height,
    pixelMismatch,
    mismatchedPixels: mismatched,
    ssim: s,
    score: combineScore(s, pixelMismatch),
    regions: mismatched ? findRegions(mask, width, height, opts) : [],
    mask,
    target: t,
    candidate: c,
  };
}

export interface CompareRegion extends Region {
  /** Element of the candidate page behind the region. */
  candidate: ElementInfo | null;
  /** Element of the target page (when the target is HTML). */
  target?: ElementInfo | null;
  targetColor: string;
  candidateColor: string;
}

export interface CompareResult extends Omit<ImageDiff, 'regions'> {
  regions: CompareRegion[];
  targetSize: { width: number; height: number };
  candidateSize: { width: number; height: number };
  viewport: { width: number; height: number };
  blocks?: BlockScores;
  /** Requests the candidate page made that were refused. */
  blocked: string[];
  /** The candidate screenshot as PNG. */
  candidatePng: Buffer;
}

export interface CompareInput extends DiffOptions {
  /** Target image bytes (PNG, JPEG or WebP) or decoded pixels. Omit when `targetSource` is given. */
  target?: Uint8Array | RgbaImage;
  /** The target as a page (HTML): names regions in the target and enables block scores. */
  targetSource?: RenderSource;
  candidate: RenderSource;
  /** Viewport width; default the target's width. */
  width?: number;
  /** Viewport height; default min(target height, 800). */
  height?: number;
  /** Screenshot the whole page; default when the target is taller than the viewport. */
  fullPage?: boolean;
  /** Browser context (one per sub-agent / caller). */
  contextKey?: string;
  /** How many regions get their DOM element looked up (default 8). */
  describe?: number;
  /** Hook run on the candidate page before its screenshot (tests, perturbations). */
  beforeCapture?: (rp: RenderPage) => Promise<void>;
}

const DEFAULT_HEIGHT = 800;

/** Renders the candidate (and the target page if given), compares, names the regions. */
export async function compareRendered(pool: BrowserPool, input: CompareInput, signal?: AbortSignal): Promise<CompareResult> {
  throwIfAborted(signal);
  let target: RgbaImage | undefined;
  if (input.target) target = input.target instanceof Uint8Array ? await decodeImage(pool, input.target, signal) : input.target;
  if (!target && !input.targetSource) throw new Error('compare: a target image or a target page is needed');
  const width = input.width ?? target?.width ?? 1280;
  const height = input.height ?? Math.min(target?.height ?? DEFAULT_HEIGHT, DEFAULT_HEIGHT);
  const viewport = { width, height };
  const fullPage = input.fullPage ?? (target ? target.height > height : false);
  const opts = { viewport, fullPage, contextKey: input.contextKey };
  const withCandidate = (t: RgbaImage, targetPage?: RenderPage) =>
    withRendered(
      pool,
      input.candidate,
      opts,
      async (rp) => {
        if (input.beforeCapture) await input.beforeCapture(rp);
        const png = await capture(rp, fullPage);
        // The pages measure their elements and text while Node decodes and diffs the pixels.
        const pages = [rp.page, ...(targetPage ? [targetPage.page] : [])];
        const collecting = await Promise.all(pages.map((p) => startCollecting(p)));
        const blocks = targetPage ? Promise.all(pages.map((p) => textBlocks(p))) : Promise.resolve<TextBlock[][]>([[], []]);
        blocks.catch(() => undefined);
        const cand = decodePng(png);
        throwIfAborted(signal);
        const diff = diffImages(t, cand, input);
        const top = diff.regions.slice(0, input.describe ?? 8);
        await Promise.all(collecting.map((c) => c.done));
        const [candEls, targetEls, [candBlocks, targetBlocks]] = await Promise.all([
          describeBoxes(rp.page, top),
          targetPage ? describeBoxes(targetPage.page, top) : Promise.resolve(undefined),
          blocks,
        ]);
        const regions: CompareRegion[] = diff.regions.map((r, i) => ({
          ...r,
          candidate: candEls[i] ?? null,
          ...(targetEls ? { target: targetEls[i] ?? null } : {}),
          targetColor: meanColor(diff.target, r),
          candidateColor: meanColor(diff.candidate, r),
        }));
        const result: CompareResult = {
          ...diff,
          regions,
          targetSize: { width: t.width, height: t.height },
          candidateSize: { width: cand.width, height: cand.height },
          viewport,
          blocked: [...rp.blocked],
          candidatePng: png,
        };
        if (targetPage) result.blocks = blockScores(targetBlocks, candBlocks, diff.width, diff.height);
        return result;
      },
      signal,
    );
  if (!input.targetSource) return withCandidate(target!);
  // The target page lives in a context of its own: two live pages of one context would
  // share a window, and a page in the background produces no frames to screenshot.
  return withRendered(
    pool,
    input.targetSource,
    { ...opts, contextKey: `${input.contextKey ?? 'default'}:target` },
    async (tp) => withCandidate(target ?? decodePng(await capture(tp, fullPage)), tp),
    signal,
  );
}
