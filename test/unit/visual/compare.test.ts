// Pure parts of the comparer: SSIM, regions, score, PNG decoding, block scores, code extraction.
import { strict as assert } from 'node:assert';
import { PNG } from 'pngjs';
import { ciede2000, blockScores, textSimilarity } from '../../../server/visual/blocks';
import { combineScore, diffImages } from '../../../server/visual/compare';
import { extractCode } from '../../../server/visual/extract-code';
import { decodePng, decodePngJs, encodePng, padTo, type RgbaImage } from '../../../server/visual/png';
import { findRegions } from '../../../server/visual/regions';
import { ssim, ssimDirect } from '../../../server/visual/ssim';

function image(w: number, h: number, fill: [number, number, number] = [255, 255, 255]): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([...fill, 255], i * 4);
  return { width: w, height: h, data };
}
function rect(img: RgbaImage, x: number, y: number, w: number, h: number, c: [number, number, number]): RgbaImage {
  const out = { ...img, data: img.data.slice() };
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) out.data.set([...c, 255], (yy * img.width + xx) * 4);
  return out;
}

describe('visual comparer (pure)', () => {
  it('SSIM is 1 for identical images, lower for structural changes, symmetric', () => {
    const a = rect(image(200, 100), 20, 20, 60, 30, [0, 0, 0]);
    const b = rect(image(200, 100), 120, 50, 60, 30, [0, 0, 0]);
    assert.equal(ssim(a, a), 1);
    const s = ssim(a, b);
    assert.ok(s < 0.95 && s > 0, String(s));
    assert.ok(Math.abs(s - ssim(b, a)) < 1e-12);
  });

  it('SSIM from per-cell sums equals the window-by-window definition (odd sizes, alpha, noise)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 256;
    const noisy = (w: number, h: number) => ({ width: w, height: h, data: Uint8Array.from({ length: w * h * 4 }, rnd) });
    for (const [w, h] of [[203, 101], [64, 64], [9, 13]]) {
      const a = noisy(w, h);
      const b = rect(a, 3, 2, 5, 7, [10, 200, 30]);
      const fast = ssim(a, b);
      const slow = ssimDirect(a, b);
      assert.ok(Math.abs(fast - slow) < 1e-9, `${w}×${h}: ${fast} vs ${slow}`);
      assert.ok(fast < 1);
    }
    // Images smaller than a window fall back to a shrunk window.
    assert.equal(ssim(image(5, 4), image(5, 4)), 1);
  });

  it('finds separate differences as separate regions, largest first, and merges nearby ones', () => {
    const base = image(400, 300);
    const changed = rect(rect(rect(base, 10, 10, 20, 20, [255, 0, 0]), 200, 150, 100, 80, [0, 0, 255]), 36, 10, 10, 10, [255, 0, 0]);
    const d = diffImages(base, changed);
    assert.equal(d.regions.length, 2);
    assert.deepEqual(
      d.regions.map((r) => [r.x, r.y, r.width, r.height]),
      [
        [200, 148, 100, 84],
        [8, 8, 40, 24],
      ],
    );
    assert.equal(d.regions[0].pixels, 100 * 80);
    assert.equal(d.regions[1].pixels, 20 * 20 + 10 * 10);
    assert.ok(d.score < 1 && d.score > 0);
    assert.equal(d.score, combineScore(d.ssim, d.pixelMismatch));
  });

  it('regions: empty mask → none; the dilation radius decides what merges', () => {
    assert.deepEqual(findRegions(new Uint8Array(100), 10, 10), []);
    const mask = new Uint8Array(100 * 10);
    for (let y = 0; y < 4; y++) for (const x of [0, 1, 2, 3, 40, 41, 42, 43]) mask[y * 100 + x] = 1;
    assert.equal(findRegions(mask, 100, 10, { dilate: 1 }).length, 2);
    assert.equal(findRegions(mask, 100, 10, { dilate: 5 }).length, 1);
  });

  it('pads images of different sizes with white and counts the extra content', () => {
    const t = image(50, 40);
    const c = rect(image(50, 60), 0, 45, 50, 10, [0, 0, 0]);
    const d = diffImages(t, c);
    assert.deepEqual([d.width, d.height], [50, 60]);
    assert.equal(d.regions.length, 1);
    assert.equal(d.regions[0].y, 44);
    assert.deepEqual(padTo(t, 60, 40).data.subarray(50 * 4, 50 * 4 + 4), new Uint8Array([255, 255, 255, 255]));
  });

  it('the fast PNG decoder matches pngjs on every filter type, RGB and RGBA', () => {
    const img = rect(rect(image(97, 61, [12, 200, 99]), 5, 7, 30, 20, [1, 2, 3]), 40, 30, 50, 25, [250, 128, 7]);
    for (const filterType of [0, 1, 2, 3, 4, -1]) {
      const png = new PNG({ width: img.width, height: img.height });
      png.data = Buffer.from(img.data);
      for (const colorType of [2, 6] as const) {
        const buf = PNG.sync.write(png, { filterType, colorType, inputHasAlpha: true } as never);
        assert.ok(Buffer.from(decodePng(buf).data).equals(Buffer.from(decodePngJs(buf).data)), `filter ${filterType} colorType ${colorType}`);
      }
    }
    const round = decodePng(encodePng(img));
    assert.deepEqual(Buffer.from(round.data), Buffer.from(img.data));
  });

  it('block scores: identical blocks score 1; colour and position changes lower their scores', () => {
    const blocks = [
      { text: 'Pricing plans', box: { x: 10, y: 10, width: 200, height: 30 }, color: 'rgb(0, 0, 0)' },
      { text: 'Buy now', box: { x: 10, y: 100, width: 80, height: 20 }, color: 'rgb(255, 255, 255)' },
    ];
    const same = blockScores(blocks, blocks, 400, 300);
    assert.deepEqual([same.block, same.text, same.position, same.color, same.matched], [1, 1, 1, 1, 2]);
    const moved = blockScores(blocks, [blocks[0], { ...blocks[1], box: { ...blocks[1].box, y: 160 }, color: 'rgb(255, 0, 0)' }], 400, 300);
    assert.ok(moved.position < 1 && moved.color < 1 && moved.text === 1);
    const missing = blockScores(blocks, [blocks[0]], 400, 300);
    assert.equal(missing.matched, 1);
    assert.ok(missing.block < 1);
    assert.ok(textSimilarity('Buy now', 'Buy  now!') > 0.7 && textSimilarity('Buy now', 'Contact') < 0.3);
    assert.ok(Math.abs(ciede2000([0, 0, 0], [255, 255, 255]) - 100) < 0.01);
    assert.equal(ciede2000([10, 20, 30], [10, 20, 30]), 0);
  });

  it('extracts the code block for the target kind', () => {
    assert.equal(extractCode('Sure!\n```html\n<p>x</p>\n```', 'html'), '<p>x</p>');
    assert.equal(extractCode('```tsx\nexport default () => <b/>;\n```', 'react'), 'export default () => <b/>;');
    assert.equal(extractCode('nothing', 'react'), undefined);
  });
});
