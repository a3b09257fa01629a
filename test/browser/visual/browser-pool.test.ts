// Browser pool and renderers in real headless Chromium: offline rendering, abort, idle close,
// a missing browser, React components.
import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { BrowserPool, BrowserNotFoundError, decodePng, renderToPng, withRendered, type RgbaImage } from '../../../server/visual';
import { RenderError } from '../../../server/visual/render-react';

const FIX = join(__dirname, 'fixtures');

function pixel(img: RgbaImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(i, i + 3));
}

describe('visual browser pool (real Chromium)', function () {
  this.timeout(60_000);
  let pool: BrowserPool;
  let server: Server;
  let hits: string[];
  let base: string;
  before(async () => {
    pool = new BrowserPool({ idleMs: 10_000 });
    hits = [];
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('body{background:red}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await pool.close();
    await new Promise((r) => server.close(r));
  });

  it('blocks every network request but loads the page\'s own local assets', async () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="${base}/style.css">
      <script>fetch('${base}/api').catch(() => {}); fetch('https://example.com/track').catch(() => {});</script>
      </head><body style="margin:0">
      <img id="remote" src="${base}/pixel.png"><img id="local" src="rick.jpg" width="100" height="80">
      <img id="outside" src="file:///etc/hostname"></body></html>`;
    const started = Date.now();
    const info = await withRendered(pool, { kind: 'html', html, baseDir: FIX }, { viewport: { width: 400, height: 300 } }, async (rp) => {
      // fetch() does not hold the load event: wait until both calls have been seen (up to 20 s;
      // 50 tries 50 ms apart were short on a loaded machine).
      for (const end = Date.now() + 20_000; Date.now() < end && rp.blocked.filter((u) => u.includes('/api') || u.includes('example.com')).length < 2; ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const natural = (await rp.page.evaluate(`[...document.images].map((i) => [i.id, i.naturalWidth])`)) as [string, number][];
      return { blocked: [...rp.blocked], natural: Object.fromEntries(natural) };
    });
    assert.ok(Date.now() - started < 30_000);
    assert.deepEqual(hits, [], 'the local HTTP server must not be reached');
    for (const u of [`${base}/style.css`, `${base}/api`, 'https://example.com/track', `${base}/pixel.png`, 'file:///etc/hostname']) {
      assert.ok(info.blocked.includes(u), `${u} not in blocked list ${JSON.stringify(info.blocked)}`);
    }
    assert.ok(info.natural.local > 0, 'the local image next to the page should load');
    assert.equal(info.natural.remote, 0);
  });

  it('renders a React TSX component with its CSS through esbuild', async () => {
    const r = await renderToPng(pool, { kind: 'react', file: join(FIX, 'react', 'Card.tsx') }, { viewport: { width: 300, height: 200 } });
    const img = decodePng(r.png);
    assert.deepEqual([img.width, img.height], [300, 200]);
    assert.deepEqual(pixel(img, 5, 5), [255, 255, 255]);
    assert.deepEqual(pixel(img, 200, 50), [10, 120, 200]);
    assert.deepEqual(pixel(img, 33, 103), [250, 200, 0]);
  });

  it('renders React code from a string and reports bundling errors with a location', async () => {
    const code = `export function Box() { return <div style={{width: 50, height: 50, background: 'rgb(0, 255, 0)'}} />; }`;
    const img = decodePng((await renderToPng(pool, { kind: 'react', code }, { viewport: { width: 100, height: 100 } })).png);
    assert.deepEqual(pixel(img, 25, 25), [0, 255, 0]);
    await assert.rejects(
      renderToPng(pool, { kind: 'react', code: 'export default function A() { return <div>; }' }),
      (e: Error) => e instanceof RenderError && /swarmcode-virtual:component:1/.test(e.message),
    );
    await assert.rejects(
      renderToPng(pool, { kind: 'react', code: 'export default function A(): any { throw new Error("boom in render"); }' }),
      /boom in render/,
    );
  });

  it('aborts a render when the signal fires and stays usable', async () => {
    const ac = new AbortController();
    const html = '<script>const t = Date.now(); while (Date.now() - t < 3000) {}</script><p>slow</p>';
    const p = renderToPng(pool, { kind: 'html', html }, {}, ac.signal);
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
    const ok = await renderToPng(pool, { kind: 'html', html: '<p>after</p>' }, { viewport: { width: 200, height: 100 } });
    assert.equal(decodePng(ok.png).width, 200);
  });

  it('closes the browser after the idle timeout and relaunches on demand', async () => {
    const p = new BrowserPool({ idleMs: 200 });
    try {
      await renderToPng(p, { kind: 'html', html: '<p>x</p>' }, { viewport: { width: 100, height: 100 } });
      assert.equal(p.running, true);
      // Closes by itself after 200 ms idle; a loaded machine may run the timer late.
      for (const end = Date.now() + 10_000; Date.now() < end && p.running; ) await new Promise((r) => setTimeout(r, 50));
      assert.equal(p.running, false);
      await renderToPng(p, { kind: 'html', html: '<p>y</p>' }, { viewport: { width: 100, height: 100 } });
      assert.equal(p.running, true);
    } finally {
      await p.close();
    }
  });

  it('explains how to install a browser when none is found', async () => {
    const p = new BrowserPool({ browserPath: '/nonexistent/chrome' });
    await assert.rejects(
      renderToPng(p, { kind: 'html', html: '<p>x</p>' }),
      (e: Error) => e instanceof BrowserNotFoundError && /apt-get install chromium/.test(e.message) && /swarmcode\.browserPath/.test(e.message),
    );
  });
});
