// The preview panel page in real headless Chromium with a stub VS Code API.
import { strict as assert } from 'node:assert';
import { BrowserPool, encodePng } from '../../../server/visual';
import { panelHtml, type PanelMessage } from '../../../src/visual/panel-html';

const png = (r: number, g: number, b: number) =>
  encodePng({ width: 4, height: 4, data: new Uint8Array(64).map((_, i) => [r, g, b, 255][i % 4]) }).toString('base64');

describe('visual preview panel (real Chromium)', function () {
  this.timeout(30_000);
  let pool: BrowserPool;
  before(() => {
    pool = new BrowserPool({ idleMs: 5_000 });
  });
  after(() => pool.close());

  it('shows target | render | heat-map, plots every score and shows the code as text', async () => {
    await pool.withPage('panel', async (rp) => {
      const { page } = rp;
      await page.evaluateOnNewDocument(`window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), setState: () => {}, getState: () => undefined });`);
      await page.goto(`data:text/html;base64,${Buffer.from(panelHtml('abc123', 'vscode-resource:')).toString('base64')}`);
      const post = (m: PanelMessage) => page.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`);
      assert.deepEqual(await page.evaluate('window.__posted'), [{ type: 'ready' }]);
      await post({ type: 'start', runId: 'r', target: `data:image/png;base64,${png(0, 0, 255)}`, outputPath: 'Card.tsx', kind: 'React component' });
      const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
      const its = [0.42, 0.61, 0.55, 0.93];
      for (let i = 0; i < its.length; i++) {
        const improved = i !== 2;
        await post({
          type: 'iteration',
          iteration: { round: i + 1, candidate: 0, score: its[i], best: Math.max(...its.slice(0, i + 1)), improved, code: `${evil} v${i}`, render: png(0, 255, 0), heatmap: png(255, 0, 0), report: `score ${its[i]}` },
        });
      }
      await post({ type: 'done', result: { runId: 'r', status: 'done', outputPath: 'Card.tsx', code: `${evil} v3`, bestScore: 0.93, bestRound: 4, rounds: 4, stopReason: 'threshold', history: [] } });
      // Messages are dispatched asynchronously: wait until the last one (done) is shown.
      await page.waitForFunction(`/Done:/.test(document.getElementById('status').textContent)`, { timeout: 20_000 });
      const state = (await page.evaluate(`({
        target: document.getElementById('target').src.slice(0, 22),
        render: document.getElementById('render').src.length > 30,
        heat: document.getElementById('heatmap').src.length > 30,
        circles: document.querySelectorAll('#plot circle').length,
        best: [...document.querySelectorAll('#plot circle')].findIndex((c) => c.getAttribute('class') === 'best'),
        points: document.querySelector('#plot polyline').getAttribute('points').split(' ').length,
        code: document.getElementById('code').textContent,
        codeHtml: document.getElementById('code').children.length,
        status: document.getElementById('status').textContent,
        pwned: window.__pwned || 0,
      })`)) as Record<string, unknown>;
      assert.equal(state.target, 'data:image/png;base64,');
      assert.equal(state.render, true);
      assert.equal(state.heat, true);
      assert.equal(state.circles, 4);
      assert.equal(state.points, 4);
      assert.equal(state.best, 3);
      assert.equal(state.code, `${evil} v3`);
      assert.equal(state.codeHtml, 0);
      assert.match(String(state.status), /Done: score threshold reached/);
      assert.equal(state.pwned, 0);
    });
  });
});
