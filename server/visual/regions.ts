// The difference mask split into regions: cells → dilation → connected components →
// bounding boxes, largest (most differing pixels) first.
import type { Box } from './png';

export interface Region extends Box {
  /** Differing pixels inside the region. */
  pixels: number;
}

export interface RegionOptions {
  /** Cell size in pixels the mask is reduced to before labelling. Default 4. */
  cell?: number;
  /** Dilation radius in cells: differences closer than about cell·(2r+1) px merge. Default 3. */
  dilate?: number;
  /** Regions with fewer differing pixels are dropped as noise. Default 4. */
  minPixels?: number;
  /** At most this many regions. Default 20. */
  max?: number;
}

/** `mask[i]` non-zero where pixel i differs. */
export function findRegions(mask: Uint8Array, width: number, height: number, opts: RegionOptions = {}): Region[] {
  const cell = opts.cell ?? 4;
  const r = opts.dilate ?? 3;
  const minPixels = opts.minPixels ?? 4;
  const cw = Math.ceil(width / cell);
  const ch = Math.ceil(height / cell);
  const counts = new Int32Array(cw * ch);
  let any = false;
  for (let y = 0; y < height; y++) {
    const row = ((y / cell) | 0) * cw;
    const base = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[base + x]) {
        counts[row + ((x / cell) | 0)]++;
        any = true;
      }
    }
  }
  if (!any) return [];
  // Separable binary dilation (horizontal then vertical running window).
  const horiz = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    let run = -1;
    for (let x = 0; x < cw + r; x++) {
      if (x < cw && counts[y * cw + x]) run = x;
      const t = x - r;
      if (t >= 0 && t < cw && run >= 0 && x - run <= 2 * r) horiz[y * cw + t] = 1;
    }
  }
  const grid = new Uint8Array(cw * ch);
  for (let x = 0; x < cw; x++) {
    let run = -1;
    for (let y = 0; y < ch + r; y++) {
      if (y < ch && horiz[y * cw + x]) run = y;
      const t = y - r;
      if (t >= 0 && t < ch && run >= 0 && y - run <= 2 * r) grid[t * cw + x] = 1;
    }
  }
  // Connected components (8-connectivity) on the dilated grid; boxes from the undilated cells.
  const label = new Int32Array(cw * ch);
  const queue = new Int32Array(cw * ch);
  const regions: Region[] = [];
  let next = 0;
  for (let start = 0; start < cw * ch; start++) {
    if (!grid[start] || label[start]) continue;
    next++;
    let head = 0, tail = 0;
    queue[tail++] = start;
    label[start] = next;
    let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, pixels = 0;
    while (head < tail) {
      const i = queue[head++];
      const cx = i % cw;
      const cy = (i / cw) | 0;
      if (counts[i]) {
        pixels += counts[i];
        if (cx < x0) x0 = cx;
        if (cx > x1) x1 = cx;
        if (cy < y0) y0 = cy;
        if (cy > y1) y1 = cy;
      }
      for (let dy = -1; dy <= 1; dy++) {
        const ny = cy + dy;
        if (ny < 0 || ny >= ch) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = cx + dx;
          if (nx < 0 || nx >= cw) continue;
          const j = ny * cw + nx;
          if (grid[j] && !label[j]) {
            label[j] = next;
            queue[tail++] = j;
          }
        }
      }
    }
    if (pixels < minPixels || x1 < 0) continue;
    const x = x0 * cell;
    const y = y0 * cell;
    regions.push({
      x,
      y,
      width: Math.min(width, (x1 + 1) * cell) - x,
      height: Math.min(height, (y1 + 1) * cell) - y,
      pixels,
    });
  }
  regions.sort((a, b) => b.pixels - a.pixels);
  return regions.slice(0, opts.max ?? 20);
}

export function area(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Box, b: Box): number {
  const i = intersection(a, b);
  return i ? i / (area(a) + area(b) - i) : 0;
}

export function overlaps(a: Box, b: Box): boolean {
  return intersection(a, b) > 0;
}
