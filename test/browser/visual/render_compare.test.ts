// The render_compare tool on a real temp workspace with real Chromium.
import { strict as assert } from 'node:assert';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../server/log';
import { renderCompare } from '../../../server/tools/render_compare';
import { ToolError, type ToolContext } from '../../../server/tools/types';
import { createWorkspace, EditorDocuments } from '../../../server/workspace';
import { closeSharedPool, renderToPng, sharedPool } from '../../../server/visual';

const FIX = join(__dirname, 'fixtures');

describe('render_compare tool (real Chromium)', function () {
  this.timeout(60_000);
  let root: string;
  let ctx: ToolContext;
  let docs: EditorDocuments;
  const signal = new AbortController().signal;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'swarmcode-rc-'));
    await copyFile(join(FIX, '1002.html'), join(root, 'page.html'));
    await copyFile(join(FIX, 'rick.jpg'), join(root, 'rick.jpg'));
    const png = await renderToPng(sharedPool(), { kind: 'html', file: join(root, 'page.html') }, { viewport: { width: 1280, height: 720 } });
    await writeFile(join(root, 'target.png'), png.png);
    docs = new EditorDocuments();
    ctx = {
      workspace: await createWorkspace(root, docs),
      runId: 'r1',
      agentId: 'a1',
      log: createLogger(() => 'error', () => {}),
      approveCommand: async () => ({ approved: false }),
    };
  });
  after(async () => {
    await closeSharedPool();
    await rm(root, { recursive: true, force: true });
  });

  it('reports a perfect match for the page the target came from', async () => {
    const out = await renderCompare.run({ path: 'page.html', target_image: 'target.png' }, ctx, signal);
    assert.equal(typeof out, 'string', 'no regions: no crops attached');
    assert.ok(typeof out === 'string');
    assert.match(out, /^page\.html vs target\.png/);
    assert.match(out, /score 1\.000/);
    assert.match(out, /no differing regions/);
  });

  it('renders the unsaved editor buffer and names the changed element', async () => {
    const html = (await import('node:fs')).readFileSync(join(root, 'page.html'), 'utf8').replace('background: #343a40;', 'background: #c2185b;');
    docs.change(join(root, 'page.html'), html);
    try {
      const res = await renderCompare.run({ path: 'page.html', target_image: 'target.png', width: 1280, height: 720 }, ctx, signal);
      assert.ok(typeof res !== 'string', 'differing regions come with crops');
      const out = res.text;
      // target and render crop per region, as PNG image parts
      assert.ok(res.images && res.images.length >= 2 && res.images.length % 2 === 0);
      assert.ok(res.images.every((i) => i.mimeType === 'image/png' && Buffer.from(i.data, 'base64').subarray(1, 4).toString() === 'PNG'));
      assert.match(out, /score 0\.\d+/);
      assert.match(out, /1\. \(\d+,\d+ \d+×\d+\)/);
      assert.match(out, /#category-link|#faq-link/);
      assert.match(out, /background-color: rgb\(194, 24, 91\)/);
    } finally {
      docs.close(join(root, 'page.html'));
    }
  });

  it('refuses paths outside the workspace and unreadable images as tool errors', async () => {
    await assert.rejects(renderCompare.run({ path: '../x.html', target_image: 'target.png' }, ctx, signal), ToolError);
    await assert.rejects(renderCompare.run({ path: 'page.html', target_image: 'missing.png' }, ctx, signal), ToolError);
    await writeFile(join(root, 'bad.png'), 'not an image');
    await assert.rejects(renderCompare.run({ path: 'page.html', target_image: 'bad.png' }, ctx, signal), ToolError);
  });
});
