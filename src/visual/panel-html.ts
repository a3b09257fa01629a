// The preview panel's page: target | render | diff heat-map, the score of every iteration as
// an inline SVG plot, and the current code. Pure (no vscode import) so it can be tested in a
// plain browser. Everything from the model is inserted as text or as data: image URLs.
import type { VisualIteration, VisualResult } from '../../server/protocol';

/** Extension → panel messages. */
export type PanelMessage =
  | { type: 'start'; runId: string; target: string; outputPath: string; kind: string }
  | { type: 'iteration'; iteration: VisualIteration }
  | { type: 'done'; result: VisualResult };

export function panelHtml(nonce: string, cspSource: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: ${cspSource}; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family, sans-serif); color: var(--vscode-foreground, #222); padding: 8px 12px; }
  header { display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
  #status { font-weight: 600; }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin: 10px 0; }
  figure { margin: 0; min-width: 0; }
  figcaption { font-size: 12px; opacity: .8; margin-bottom: 4px; }
  figure img { width: 100%; height: auto; border: 1px solid var(--vscode-panel-border, #ccc); background: #fff; }
  #plot { width: 100%; max-width: 520px; height: 120px; border: 1px solid var(--vscode-panel-border, #ccc); }
  #plot polyline { fill: none; stroke: var(--vscode-charts-blue, #1f77b4); stroke-width: 2; }
  #plot circle { fill: var(--vscode-charts-blue, #1f77b4); }
  #plot circle.best { fill: var(--vscode-charts-green, #2ca02c); }
  #plot text { font-size: 10px; fill: currentColor; }
  pre { max-height: 40vh; overflow: auto; background: var(--vscode-textCodeBlock-background, #f4f4f4); padding: 8px; font-size: 12px; }
  #report { white-space: pre-wrap; font-size: 12px; opacity: .9; }
  .error { color: var(--vscode-errorForeground, #c00); }
</style></head>
<body>
<header><span id="status">Waiting…</span><span id="score"></span><span id="output"></span></header>
<div class="grid">
  <figure><figcaption>Target</figcaption><img id="target" alt="target"></figure>
  <figure><figcaption>Render (best)</figcaption><img id="render" alt="render"></figure>
  <figure><figcaption>Difference heat-map</figcaption><img id="heatmap" alt="difference"></figure>
</div>
<svg id="plot" viewBox="0 0 520 120" preserveAspectRatio="none" role="img" aria-label="score per iteration"></svg>
<div id="report"></div>
<pre><code id="code"></code></pre>
<script nonce="${nonce}">
(function () {
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const points = [];
  let runId = '';
  const NS = 'http://www.w3.org/2000/svg';
  function plot() {
    const svg = $('plot');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const W = 520, H = 120, P = 14;
    const n = points.length;
    const x = (i) => (n <= 1 ? W / 2 : P + (i * (W - 2 * P)) / (n - 1));
    const y = (s) => H - P - s * (H - 2 * P);
    const line = document.createElementNS(NS, 'polyline');
    line.setAttribute('points', points.map((p, i) => x(i).toFixed(1) + ',' + y(p.score).toFixed(1)).join(' '));
    svg.appendChild(line);
    let best = -1;
    points.forEach((p, i) => { if (best < 0 || p.score > points[best].score) best = i; });
    points.forEach((p, i) => {
      const c = document.createElementNS(NS, 'circle');
      c.setAttribute('cx', x(i).toFixed(1)); c.setAttribute('cy', y(p.score).toFixed(1)); c.setAttribute('r', '3');
      if (i === best) c.setAttribute('class', 'best');
      const t = document.createElementNS(NS, 'title');
      t.textContent = 'round ' + p.round + ' candidate ' + (p.candidate + 1) + ': ' + p.score.toFixed(3);
      c.appendChild(t);
      svg.appendChild(c);
    });
    for (const v of [0, 1]) {
      const t = document.createElementNS(NS, 'text');
      t.setAttribute('x', '2'); t.setAttribute('y', (y(v) + 3).toFixed(1));
      t.textContent = String(v);
      svg.appendChild(t);
    }
  }
  function dataUrl(b64) { return 'data:image/png;base64,' + b64; }
  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'start') {
      runId = m.runId; points.length = 0; plot();
      $('target').src = m.target;
      $('status').textContent = 'Generating ' + m.kind + '…';
      $('output').textContent = '→ ' + m.outputPath;
      $('code').textContent = ''; $('report').textContent = '';
      $('render').removeAttribute('src'); $('heatmap').removeAttribute('src');
    } else if (m.type === 'iteration') {
      const it = m.iteration;
      points.push({ round: it.round, candidate: it.candidate, score: it.score });
      plot();
      $('status').textContent = 'Round ' + it.round;
      $('score').textContent = 'score ' + it.score.toFixed(3) + ' · best ' + it.best.toFixed(3);
      if (it.improved) {
        if (it.render) $('render').src = dataUrl(it.render);
        if (it.heatmap) $('heatmap').src = dataUrl(it.heatmap);
        if (typeof it.code === 'string') $('code').textContent = it.code;
        $('report').textContent = it.report || '';
        $('report').className = '';
      } else if (it.error) {
        $('report').textContent = it.error;
        $('report').className = 'error';
      }
    } else if (m.type === 'done') {
      const r = m.result;
      const why = { threshold: 'score threshold reached', patience: 'no further improvement', max: 'round limit reached' }[r.stopReason] || '';
      $('status').textContent = r.status === 'done' ? 'Done: ' + why : r.status === 'cancelled' ? 'Cancelled' : 'Failed';
      $('score').textContent = 'best ' + r.bestScore.toFixed(3) + ' (round ' + r.bestRound + ' of ' + r.rounds + ')';
      if (r.error) { $('report').textContent = r.error; $('report').className = 'error'; }
      if (r.code) $('code').textContent = r.code;
    }
    vscode.setState({ runId: runId, points: points });
  });
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body></html>`;
}
