// swarm/visual's executor: a real workspace, the simulator through the real provider, real Chromium.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerContext } from '../../../server/context';
import { cancelVisual, executeVisual } from '../../../server/handlers/visual';
import { createLogger } from '../../../server/log';
import { Sandbox } from '../../../server/sandbox';
import { OpenAICompatibleModel } from '../../../server/model/openai';
import { DEFAULT_SETTINGS, type VisualProgressParams } from '../../../server/protocol';
import { BrowserPool, decodePng, renderToPng } from '../../../server/visual';
import { createWorkspace, EditorDocuments, rejectChanges, runChanges } from '../../../server/workspace';
import { script, startSimulator, type Simulator } from '../../support/simulator';

const TARGET_HTML = '<!doctype html><html><body style="margin:0"><div style="margin:20px;width:200px;height:100px;background:#0ea5e9"></div></body></html>';
const CLOSE_HTML = TARGET_HTML.replace('#0ea5e9', '#0284c7');

describe('swarm/visual executor (simulator + real Chromium)', function () {
  this.timeout(60_000);
  let root: string;
  let pool: BrowserPool;
  let sim: Simulator;
  let ctx: ServerContext;
  let notes: VisualProgressParams[];
  let image: string;
  const log = createLogger(() => 'error', () => {});

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'swarmcode-vh-'));
    pool = new BrowserPool({ idleMs: 10_000 });
    image = (await renderToPng(pool, { kind: 'html', html: TARGET_HTML }, { viewport: { width: 320, height: 200 } })).png.toString('base64');
    notes = [];
    const workspace = await createWorkspace(root, new EditorDocuments());
    ctx = {
      connection: { sendNotification: async (_t: unknown, p: VisualProgressParams) => void notes.push(p) } as unknown as ServerContext['connection'],
      settings: () => DEFAULT_SETTINGS,
      workspace,
      log,
      sandbox: new Sandbox(() => ({})),
      onFilesChanged: () => {},
    };
  });
  after(async () => {
    await pool.close();
    await rm(root, { recursive: true, force: true });
  });
  afterEach(() => sim?.close());

  const model = () => new OpenAICompatibleModel({ baseUrl: sim.url, apiKey: 'sk-test-key-123456', model: 'kimi-k2.5', maxRetries: 0, log });

  it('writes the best version, streams progress with images, and reports the stop reason', async () => {
    sim = await startSimulator({ respond: script([{ text: '```html\n' + CLOSE_HTML + '\n```' }, { text: '```html\n' + TARGET_HTML + '\n```' }]) });
    const res = await executeVisual(
      ctx,
      { runId: 'v1', image: { mimeType: 'image/png', data: image }, target: 'html', outputPath: 'out/page.html', threshold: 0.99, maxRounds: 4 },
      new AbortController().signal,
      { model: model(), pool },
    );
    assert.equal(res.status, 'done', res.error);
    assert.equal(res.stopReason, 'threshold');
    assert.equal(res.outputPath, 'out/page.html');
    assert.equal(res.bestScore, 1);
    assert.equal((await readFile(join(root, 'out/page.html'), 'utf8')).trim(), TARGET_HTML);
    assert.deepEqual(notes.map((n) => [n.runId, n.iteration.round]), [['v1', 1], ['v1', 2]]);
    const it = notes[0].iteration;
    assert.ok(it.score > 0 && it.score < 1);
    assert.equal(decodePng(Buffer.from(it.render!, 'base64')).width, 320);
    assert.equal(decodePng(Buffer.from(it.heatmap!, 'base64')).width, 320);
    assert.match(it.report!, /differing region/);
  });

  it('journals its output like any write: review lists it, reject restores the file it overwrote', async () => {
    process.env.SWARMCODE_JOURNAL_DIR ??= await mkdtemp(join(tmpdir(), 'swarmcode-vh-journals-'));
    await writeFile(join(root, 'mine.html'), '<p>the user\'s page</p>\r\n');
    sim = await startSimulator({ respond: script([{ text: '```html\n' + TARGET_HTML + '\n```' }]) });
    const res = await executeVisual(
      ctx,
      { runId: 'v-journal', image: { mimeType: 'image/png', data: image }, target: 'html', outputPath: 'mine.html', threshold: 0.99, maxRounds: 1 },
      new AbortController().signal,
      { model: model(), pool },
    );
    assert.equal(res.status, 'done', res.error);
    const changes = await runChanges(root, ctx.workspace.documents, 'v-journal', false);
    assert.deepEqual(changes.files.map((f) => [f.path, f.change]), [['mine.html', 'modified']]);
    await rejectChanges(root, 'v-journal');
    assert.equal(await readFile(join(root, 'mine.html'), 'utf8'), '<p>the user\'s page</p>\r\n');
  });

  it('refuses an output path outside the workspace', async () => {
    sim = await startSimulator({ respond: script([]) });
    const res = await executeVisual(ctx, { runId: 'v2', image: { mimeType: 'image/png', data: image }, target: 'html', outputPath: '../escape.html' }, new AbortController().signal, { model: model(), pool });
    assert.equal(res.status, 'failed');
    assert.ok(res.error);
    assert.equal(sim.requests.length, 0);
  });

  it('is cancelled by id while the model is streaming', async () => {
    sim = await startSimulator({ respond: script([{ text: '```html\n' + CLOSE_HTML + '\n```', latency: { ttftMs: 10_000 } }]) });
    const p = executeVisual(ctx, { runId: 'v3', image: { mimeType: 'image/png', data: image }, target: 'html', outputPath: 'c.html' }, new AbortController().signal, { model: model(), pool });
    await sim.waitForRequests(1);
    assert.equal(cancelVisual('v3'), true);
    const res = await p;
    assert.equal(res.status, 'cancelled');
    assert.equal(cancelVisual('v3'), false);
  });
});
