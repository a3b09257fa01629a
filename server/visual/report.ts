// What the model (and the user) sees of a comparison: a compact text report, cropped
// region images (target vs candidate) and a difference heat-map.
import type { CompareRegion, CompareResult, ImageDiff } from './compare';
import type { ElementInfo } from './dom';
import { clipBox, crop, encodePng, type Box } from './png';

/** The CLI's `--json` shape. */
export interface CompareJson {
  score: number;
  pixelMismatch: number;
  ssim: number;
  regions: { x: number; y: number; width: number; height: number; selector?: string }[];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

export function compareJson(res: CompareResult): CompareJson {
  return {
    score: r3(res.score),
    pixelMismatch: Math.round(res.pixelMismatch * 1e5) / 1e5,
    ssim: r3(res.ssim),
    regions: res.regions.map((r) => ({
      x: r.x,
      y: r.y,
      width: r.width,
      height: r.height,
      ...(r.candidate?.selector ? { selector: r.candidate.selector } : r.target?.selector ? { selector: r.target.selector } : {}),
    })),
  };
}

function boxText(b: Box): string {
  return `(${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)})`;
}

function elementText(e: ElementInfo): string {
  const styles = Object.entries(e.styles)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  const text = e.text ? ` "${e.text.length > 40 ? e.text.slice(0, 40) + '…' : e.text}"` : '';
  return `\`${e.selector}\` ${boxText(e.box)}${text}${styles ? ` {${styles}}` : ''}`;
}

function regionLine(r: CompareRegion, i: number): string {
  const lines = [`${i + 1}. ${boxText(r)} ${r.pixels} px differ; mean colour target ${r.targetColor} vs render ${r.candidateColor}`];
  if (r.target) lines.push(`   target: ${elementText(r.target)}`);
  if (r.candidate) lines.push(`   render: ${elementText(r.candidate)}`);
  return lines.join('\n');
}

/** A compact text report, largest regions first. */
export function formatReport(res: CompareResult, maxRegions = 6): string {
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const out = [
    `score ${res.score.toFixed(3)} (1 = identical; SSIM ${res.ssim.toFixed(3)}, pixel mismatch ${pct(res.pixelMismatch)})`,
    `target ${res.targetSize.width}×${res.targetSize.height}, render ${res.candidateSize.width}×${res.candidateSize.height} at viewport ${res.viewport.width}×${res.viewport.height}`,
  ];
  if (res.targetSize.height !== res.candidateSize.height || res.targetSize.width !== res.candidateSize.width) {
    const dh = res.candidateSize.height - res.targetSize.height;
    out.push(`size differs: the render is ${Math.abs(dh)} px ${dh > 0 ? 'taller' : 'shorter'} than the target`);
  }
  if (res.blocks) {
    const b = res.blocks;
    out.push(
      `text blocks: matched ${b.matched}/${b.targetBlocks} (render has ${b.candidateBlocks}); block ${b.block.toFixed(3)}, text ${b.text.toFixed(3)}, position ${b.position.toFixed(3)}, colour ${b.color.toFixed(3)}`,
    );
  }
  if (!res.regions.length) out.push('no differing regions');
  else {
    out.push(`${res.regions.length} differing region(s), largest first (x,y w×h in page pixels):`);
    res.regions.slice(0, maxRegions).forEach((r, i) => out.push(regionLine(r, i)));
    if (res.regions.length > maxRegions) out.push(`… ${res.regions.length - maxRegions} smaller region(s) omitted`);
  }
  if (res.blocked.length) out.push(`blocked network requests (only local files are allowed): ${res.blocked.slice(0, 5).join(', ')}`);
  return out.join('\n');
}

export interface RegionCrop {
  index: number;
  box: Box;
  target: Buffer;
  candidate: Buffer;
}

/** PNG crops of the top regions (with a margin), target and candidate side by side. */
export function regionCrops(diff: ImageDiff & { regions: Box[] }, count = 3, margin = 16, maxSide = 640): RegionCrop[] {
  return diff.regions.slice(0, count).map((r, index) => {
    let box = clipBox({ x: r.x - margin, y: r.y - margin, width: r.width + 2 * margin, height: r.height + 2 * margin }, diff.width, diff.height);
    box = { ...box, width: Math.min(box.width, maxSide), height: Math.min(box.height, maxSide) };
    return { index, box, target: encodePng(crop(diff.target, box), 1), candidate: encodePng(crop(diff.candidate, box), 1) };
  });
}

/**
 * Difference heat-map: the target in pale grey, differing pixels in red whose strength
 * follows the per-pixel colour distance.
 */
export function heatmapPng(diff: ImageDiff): Buffer {
  const { width, height, target: t, candidate: c, mask } = diff;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    const y = 0.299 * t.data[j] + 0.587 * t.data[j + 1] + 0.114 * t.data[j + 2];
    const pale = 180 + y * 0.29;
    if (mask[i]) {
      const d = Math.max(Math.abs(t.data[j] - c.data[j]), Math.abs(t.data[j + 1] - c.data[j + 1]), Math.abs(t.data[j + 2] - c.data[j + 2])) / 255;
      const k = 0.45 + 0.55 * d;
      data[j] = pale * (1 - k) + 255 * k;
      data[j + 1] = pale * (1 - k);
      data[j + 2] = pale * (1 - k);
    } else {
      data[j] = data[j + 1] = data[j + 2] = pale;
    }
    data[j + 3] = 255;
  }
  return encodePng({ width, height, data }, 3);
}
