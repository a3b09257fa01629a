// The render-compare loop against the HTTP model simulator through the real OpenAI-compatible
// provider, rendering every candidate in real headless Chromium.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../server/log';
import { OpenAICompatibleModel } from '../../../server/model/openai';
import { BrowserPool, renderToPng } from '../../../server/visual';
import { extractCode, runVisualLoop, type LoopProgress } from '../../../server/visual/loop';
import { script, contentText, startSimulator, type Simulator, type Turn } from '../../support/simulator';

const page = (header: string, title: string, button: string) =>
  `<!doctype html><html><body style="margin:0;font-family:sans-serif">` +
  `<div style="height:80px;background:${header}"></div>` +
  `<h1 style="font-size:32px;margin:40px">${title}</h1>` +
  `<button style="margin:0 40px;width:160px;height:48px;background:${button};border:0;color:#fff">Buy</button>` +
  `</body></html>`;

const EXACT = page('#1e3a8a', 'Pricing', '#f59e0b');
const MEDIUM = page('#1e3a8a', 'Pricing', '#10b981'); // wrong button colour
const BAD = page('#7f1d1d', 'Prices and plans', '#10b981'); // wrong header, title, button
const WORSE = '<!doctype html><html><body style="margin:0;background:#000"></body></html>';

const turn = (html: string): Turn => ({ text: `Here is the page:\n\n\`\`\`html\n${html}\n\`\`\`\n` });

describe('visual loop (simulator + real Chromium)', function () {
  this.timeout(120_000);
  let pool: BrowserPool;
  let target: Buffer;
  let dir: string;
  let sim: Simulator | undefined;

  before(async () => {
    pool = new BrowserPool({ idleMs: 10_000 });
    target = (await renderToPng(pool, { kind: 'html', html: EXACT }, { viewport: { width: 640, height: 400 } })).png;
    dir = await mkdtemp(join(tmpdir(), 'swarmcode-loop-'));
  });
  after(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  async function run(turns: Turn[], opts: { maxRounds?: number; threshold?: number; patience?: number; candidates?: number } = {}) {
    sim = await startSimulator({ respond: script(turns) });
    const model = new OpenAICompatibleModel({ baseUrl: sim.url, apiKey: 'sk-test-key-123456', model: 'kimi-k2.5', maxRetries: 0, log: createLogger(() => 'error', () => {}) });
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}.html`);
    const writes: string[] = [];
    const progress: LoopProgress[] = [];
    const result = await runVisualLoop(
      {
        model,
        pool,
        target,
        kind: 'html',
        width: 640,
        height: 400,
        ...opts,
        write: async (code) => {
          writes.push(code);
          await writeFile(out, code);
        },
        onProgress: (p) => progress.push(p),
      },
      new AbortController().signal,
    );
    return { result, out, writes, progress, requests: sim.requests };
  }

  it('stops at the score threshold and keeps the matching version', async () => {
    const { result, out, progress, requests } = await run([turn(BAD), turn(MEDIUM), turn(EXACT), turn(BAD)], { threshold: 0.99, maxRounds: 6 });
    assert.equal(result.stopReason, 'threshold');
    assert.equal(result.rounds, 3);
    assert.equal(requests.length, 3);
    assert.equal(result.bestRound, 3);
    assert.equal(result.bestScore, 1);
    assert.equal((await readFile(out, 'utf8')).trim(), EXACT);
    assert.deepEqual(progress.map((p) => p.round), [1, 2, 3]);
    assert.ok(progress[0].score < progress[1].score && progress[1].score < progress[2].score, JSON.stringify(progress.map((p) => p.score)));
    // Round 2 was asked with the report and the images of round 1.
    const second = requests[1].body.messages;
    const last = second[second.length - 1];
    assert.equal(last.role, 'user');
    assert.ok(Array.isArray(last.content));
    const images = (last.content as { type: string }[]).filter((p) => p.type === 'image_url');
    assert.ok(images.length >= 3, `expected the render and region crops, got ${images.length} images`);
    assert.match(contentText(last.content), /score 0\.\d+/);
    assert.match(contentText(last.content), /differing region/);
    assert.equal(second[second.length - 2].role, 'assistant');
    // The first request carried the design as an image part.
    assert.ok(JSON.stringify(requests[0].body.messages).includes('data:image/png;base64,'));
  });

  it('stops after `patience` rounds without improvement and keeps the best earlier version', async () => {
    const { result, out, writes, requests } = await run([turn(MEDIUM), turn(BAD), { text: 'I cannot do that.' }, turn(EXACT)], {
      threshold: 0.99,
      patience: 2,
      maxRounds: 6,
    });
    assert.equal(result.stopReason, 'patience');
    assert.equal(result.rounds, 3);
    assert.equal(requests.length, 3);
    assert.equal(result.bestRound, 1);
    assert.deepEqual(writes, [MEDIUM]);
    assert.equal((await readFile(out, 'utf8')).trim(), MEDIUM);
    assert.deepEqual(result.history.map((h) => h.score > 0), [true, true, false]);
    // After a worse round the model is shown its best version again, with a note on the discarded one.
    const third = requests[2].body.messages;
    assert.ok(contentText(third[third.length - 2].content).includes('#f59e0b') === false);
    assert.match(contentText(third[third.length - 1].content), /below the best/);
    assert.match(contentText(third[third.length - 2].content), /#10b981/);
  });

  it('stops at maxRounds with the best version', async () => {
    const { result, out, requests } = await run([turn(WORSE), turn(BAD), turn(MEDIUM), turn(EXACT)], { threshold: 0.999, maxRounds: 3, patience: 3 });
    assert.equal(result.stopReason, 'max');
    assert.equal(result.rounds, 3);
    assert.equal(requests.length, 3);
    assert.equal(result.bestRound, 3);
    assert.equal((await readFile(out, 'utf8')).trim(), MEDIUM);
    assert.ok(result.bestScore > 0.5 && result.bestScore < 0.999);
  });

  it('samples N candidates per round in parallel and keeps the best', async () => {
    const { result, requests, progress } = await run([turn(BAD), turn(EXACT)], { candidates: 2, maxRounds: 1, threshold: 0.99 });
    assert.equal(requests.length, 2);
    assert.equal(progress.length, 2);
    assert.equal(result.bestScore, 1);
    assert.equal(result.bestCode.trim(), EXACT);
    assert.equal(result.stopReason, 'threshold');
  });

  it('extracts code from fenced blocks', () => {
    assert.equal(extractCode('text\n```html\n<p>a</p>\n```\nmore', 'html'), '<p>a</p>');
    assert.equal(extractCode('```css\nx\n```\n```tsx\nexport default () => null;\n```', 'react'), 'export default () => null;');
    assert.equal(extractCode('<!doctype html><p>raw</p>', 'html'), '<!doctype html><p>raw</p>');
    assert.equal(extractCode('no code here', 'html'), undefined);
    assert.equal(extractCode('```html\n<p>cut off', 'html'), '<p>cut off');
  });
});
