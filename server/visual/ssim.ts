// Structural similarity (Wang et al. 2004) on luminance.
//
// Window: 8×8 pixels box window (uniform weights), slid with a stride of 4 pixels (50 %
// overlap), over the Rec. 601 luma Y = 0.299 R + 0.587 G + 0.114 B of each image
// (alpha composited on white). C1 = (0.01·255)², C2 = (0.03·255)². The result is the mean
// SSIM over all windows, in [-1, 1] (1 = identical). The box window (instead of the
// paper's 11×11 Gaussian) is the common "fast SSIM" variant. With the window twice the stride,
// every window is four stride×stride cells, so the sums are taken once per cell (one pass over
// the pixels) and each window adds four cells: a 1280×800 page takes a few milliseconds.
import type { RgbaImage } from './png';

export const SSIM_WINDOW = 8;
export const SSIM_STRIDE = 4;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** Luma `y` of a pixel with alpha `alpha` (0..255) composited on white. */
function onWhite(y: number, alpha: number): number {
  const a = alpha / 255;
  return y * a + 255 * (1 - a);
}

export function luminance(img: RgbaImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const a = d[j + 3] / 255;
    const y = 0.299 * d[j] + 0.587 * d[j + 1] + 0.114 * d[j + 2];
    out[i] = y * a + 255 * (1 - a);
  }
  return out;
}

function windowSsim(n: number, sa: number, sb: number, saa: number, sbb: number, sab: number): number {
  const ma = sa / n;
  const mb = sb / n;
  const va = saa / n - ma * ma;
  const vb = sbb / n - mb * mb;
  const cov = sab / n - ma * mb;
  return ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
}

/** Mean windowed SSIM of two equally sized images. */
export function ssim(a: RgbaImage, b: RgbaImage): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('ssim: images differ in size');
  const win = Math.min(SSIM_WINDOW, a.width, a.height);
  if (win === 0) return 1;
  return win === SSIM_WINDOW && SSIM_WINDOW === 2 * SSIM_STRIDE ? ssimByCells(a, b) : ssimDirect(a, b, win);
}

/** Sums per stride×stride cell in one pass, then each window = its four cells. */
function ssimByCells(a: RgbaImage, b: RgbaImage): number {
  const w = a.width;
  const cell = SSIM_STRIDE;
  const cw = Math.floor(w / cell);
  const ch = Math.floor(a.height / cell);
  const sums = [0, 1, 2, 3, 4].map(() => new Float64Array(cw * ch));
  const [sa, sb, saa, sbb, sab] = sums;
  const da = a.data;
  const db = b.data;
  for (let y = 0; y < ch * cell; y++) {
    const row = Math.floor(y / cell) * cw;
    let j = y * w * 4;
    for (let cx = 0; cx < cw; cx++) {
      let xa = 0, xb = 0, xaa = 0, xbb = 0, xab = 0;
      for (let k = 0; k < cell; k++, j += 4) {
        let pa = 0.299 * da[j] + 0.587 * da[j + 1] + 0.114 * da[j + 2];
        if (da[j + 3] !== 255) pa = onWhite(pa, da[j + 3]);
        let pb = 0.299 * db[j] + 0.587 * db[j + 1] + 0.114 * db[j + 2];
        if (db[j + 3] !== 255) pb = onWhite(pb, db[j + 3]);
        xa += pa; xb += pb; xaa += pa * pa; xbb += pb * pb; xab += pa * pb;
      }
      const c = row + cx;
      sa[c] += xa; sb[c] += xb; saa[c] += xaa; sbb[c] += xbb; sab[c] += xab;
    }
  }
  const n = SSIM_WINDOW * SSIM_WINDOW;
  let total = 0;
  let count = 0;
  for (let cy = 0; cy + 1 < ch; cy++) {
    for (let cx = 0; cx + 1 < cw; cx++) {
      const c = cy * cw + cx;
      const d = c + cw;
      total += windowSsim(
        n,
        sa[c] + sa[c + 1] + sa[d] + sa[d + 1],
        sb[c] + sb[c + 1] + sb[d] + sb[d + 1],
        saa[c] + saa[c + 1] + saa[d] + saa[d + 1],
        sbb[c] + sbb[c + 1] + sbb[d] + sbb[d + 1],
        sab[c] + sab[c + 1] + sab[d] + sab[d + 1],
      );
      count++;
    }
  }
  return count ? total / count : 1;
}

/** The definition, window by window (small images, where the window shrinks to fit). */
export function ssimDirect(a: RgbaImage, b: RgbaImage, win = Math.min(SSIM_WINDOW, a.width, a.height)): number {
  const w = a.width;
  const h = a.height;
  const la = luminance(a);
  const lb = luminance(b);
  const stride = Math.max(1, Math.min(SSIM_STRIDE, win));
  const n = win * win;
  let total = 0;
  let count = 0;
  for (let y0 = 0; y0 + win <= h; y0 += stride) {
    for (let x0 = 0; x0 + win <= w; x0 += stride) {
      let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let y = y0; y < y0 + win; y++) {
        let i = y * w + x0;
        const end = i + win;
        for (; i < end; i++) {
          const pa = la[i];
          const pb = lb[i];
          sa += pa; sb += pb; saa += pa * pa; sbb += pb * pb; sab += pa * pb;
        }
      }
      total += windowSsim(n, sa, sb, saa, sbb, sab);
      count++;
    }
  }
  return count ? total / count : 1;
}
