// Structural similarity (Wang et al. 2004) on luminance.
//
// Window: 8×8 pixels box window (uniform weights), slid with a stride of 4 pixels (50 %
// overlap), over the Rec. 601 luma Y = 0.299 R + 0.587 G + 0.114 B of each image
// (alpha composited on white). C1 = (0.01·255)², C2 = (0.03·255)². The result is the mean
// SSIM over all windows, in [-1, 1] (1 = identical). The box window (instead of the
// paper's 11×11 Gaussian) is the common "fast SSIM" variant; it keeps one comparison of a
// 1280×800 page at a few milliseconds.
import type { RgbaImage } from './png';

export const SSIM_WINDOW = 8;
export const SSIM_STRIDE = 4;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

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

/** Mean windowed SSIM of two equally sized images. */
export function ssim(a: RgbaImage, b: RgbaImage): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('ssim: images differ in size');
  const w = a.width;
  const h = a.height;
  const la = luminance(a);
  const lb = luminance(b);
  const win = Math.min(SSIM_WINDOW, w, h);
  if (win === 0) return 1;
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
      const ma = sa / n;
      const mb = sb / n;
      const va = saa / n - ma * ma;
      const vb = sbb / n - mb * mb;
      const cov = sab / n - ma * mb;
      total += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      count++;
    }
  }
  return count ? total / count : 1;
}
