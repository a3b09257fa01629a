// The comparer in real headless Chromium: determinism and localisation of real changes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { BrowserPool, compareRendered, decodePng, diffImages, formatReport, regionCrops, heatmapPng, compareJson, renderToPng, type Box } from '../../../server/visual';
import { overlaps } from '../../../server/visual/regions';
import { perturb, type Perturbation } from '../../../bench/visual/perturb';

const FIX = join(__dirname, 'fixtures');
const page1002 = { kind: 'html' as const, file: join(FIX, '1002.html') };
const page1009 = { kind: 'html' as const, file: join(FIX, '1009.html') };

describe('visual comparer (real Chromium)', function () {
  this.timeout(60_000);
  let pool: BrowserPool;
  before(() => {
    pool = new BrowserPool({ idleMs: 5_000 });
  });
  after(() => pool.close());

  it('renders the same page twice to identical pixels', async () => {
    const a = await renderToPng(pool, page1009, { viewport: { width: 1280, height: 800 }, fullPage: true });
    const b = await renderToPng(pool, page1009, { viewport: { width: 1280, height: 800 }, fullPage: true, contextKey: 'other' });
    const ia = decodePng(a.png);
    const ib = decodePng(b.png);
    assert.equal(ia.width, 1280);
    assert.ok(ia.height >= 800);
    assert.deepEqual([ib.width, ib.height], [ia.width, ia.height]);
    assert.ok(Buffer.from(ia.data).equals(Buffer.from(ib.data)), 'pixels differ between two renders');
    const d = diffImages(ia, ib);
    assert.equal(d.score, 1);
    assert.equal(d.regions.length, 0);
  });

  it('scores an unchanged page 1 and reports no region', async () => {
    const res = await compareRendered(pool, { targetSource: page1002, candidate: page1002, width: 1280, height: 720 });
    assert.equal(res.score, 1);
    assert.equal(res.pixelMismatch, 0);
    assert.equal(res.regions.length, 0);
    assert.equal(res.blocks?.text, 1);
    assert.match(formatReport(res), /no differing regions/);
  });

  const cases: [Perturbation, typeof page1002, string, RegExp][] = [
    ['move', page1002, '#category-link', /#category-link/],
    ['recolor', page1002, 'h1', /h1/],
    ['remove', page1009, 'article:last-of-type .content p', /article:nth-of-type\(\d+\) > div\.content/],
  ];
  for (const [kind, page, selector, name] of cases) {
    it(`finds the ${kind} of one element (${selector}) as the top region and names it`, async () => {
      let before: Box | undefined;
      const res = await compareRendered(pool, {
        targetSource: page,
        candidate: page,
        width: 1280,
        height: page === page1002 ? 720 : 800,
        fullPage: page === page1009,
        beforeCapture: async (rp) => {
          before = await perturb(rp.page, selector, kind);
        },
      });
      assert.ok(before);
      assert.ok(res.score < 1, 'score should drop');
      assert.ok(res.regions.length >= 1);
      const top = res.regions[0];
      assert.ok(overlaps(top, before!), `top region ${JSON.stringify(top)} misses the element at ${JSON.stringify(before)}`);
      // The element is named: in the render (moved / recoloured) or in the target (removed).
      const names = [top.candidate?.selector ?? '', top.target?.selector ?? ''].join(' | ');
      assert.match(names, name, `region named ${names}`);
      const report = formatReport(res);
      assert.match(report, name);
      if (kind === 'recolor') {
        assert.ok(res.blocks && res.blocks.color < 1, 'colour block score should drop');
        assert.match(JSON.stringify(top.candidate?.styles), /228, 0, 124/);
      }
      if (kind === 'move') assert.ok(res.blocks && res.blocks.position < 1, 'position block score should drop');
      const crops = regionCrops(res, 2);
      assert.ok(crops.length >= 1);
      const c = decodePng(crops[0].target);
      assert.ok(c.width > 0 && c.height > 0);
      assert.ok(!crops[0].target.equals(crops[0].candidate));
      const heat = decodePng(heatmapPng(res));
      assert.deepEqual([heat.width, heat.height], [res.width, res.height]);
      const json = compareJson(res);
      assert.deepEqual(Object.keys(json), ['score', 'pixelMismatch', 'ssim', 'regions']);
    });
  }

  it('finds a change on a longer real page below the fold (full page)', async () => {
    const target = (await renderToPng(pool, page1009, { viewport: { width: 1280, height: 800 }, fullPage: true })).png;
    const res = await compareRendered(pool, {
      target,
      candidate: page1009,
      beforeCapture: async (rp) => {
        await perturb(rp.page, 'article:nth-of-type(4) h2', 'recolor');
      },
    });
    assert.ok(decodePng(target).height > 800);
    assert.ok(res.regions.length >= 1);
    assert.match(res.regions[0].candidate?.selector ?? '', /article:nth-of-type\(4\) > h2/);
  });
});
