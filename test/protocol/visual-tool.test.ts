// render_compare through the server: the report goes back as the tool result and the region
// crops follow as image parts the model can see.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeSharedPool, renderToPng, sharedPool } from '../../server/visual';
import { script } from '../support/simulator';
import { ROOT } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('protocol: render_compare tool', function () {
  this.timeout(60_000);
  const ctx = useSimServer({ workspace: 'suite' });

  before(async () => {
    const page = join(ctx.ws.path, 'page.html');
    copyFileSync(join(ROOT, 'test/browser/visual/fixtures/1002.html'), page);
    const target = await renderToPng(sharedPool(), { kind: 'html', file: page }, { viewport: { width: 1280, height: 720 } });
    writeFileSync(join(ctx.ws.path, 'target.png'), target.png);
    // The candidate drifts from the target: one heading recoloured.
    writeFileSync(page, readFileSync(page, 'utf8').replace('<h1', '<h1 style="color:#e91e63"'));
    await closeSharedPool();
  });

  it('returns the report and sends the crops to the model as images', async () => {
    const { sim, server } = await ctx.start({
      respond: script([{ toolCalls: [{ name: 'render_compare', arguments: { path: 'page.html', target_image: 'target.png', width: 1280, height: 720 } }] }, { text: 'The heading colour is off.' }]),
    }, { approval: 'always' });
    const result = await server.run({ task: 'Does page.html match target.png?' });
    assert.equal(result.status, 'done', result.error);
    const out = server.events.get(result.runId)!.find((e) => e.type === 'tool_output');
    assert.ok(out && out.type === 'tool_output' && out.ok, JSON.stringify(out));
    assert.match(out.output, /score 0\.\d+/);
    assert.match(out.output, /h1/);
    const messages = sim.requests[1].body.messages;
    const toolAt = messages.findIndex((m) => m.role === 'tool');
    assert.match(String(messages[toolAt].content), /page\.html vs target\.png/);
    const pictures = messages.slice(toolAt + 1).find((m) => m.role === 'user');
    assert.ok(pictures && Array.isArray(pictures.content), 'a user message with the crops follows the tool result');
    const urls = (pictures.content as { type: string; image_url?: { url: string } }[]).filter((p) => p.type === 'image_url');
    assert.ok(urls.length >= 2 && urls.every((p) => p.image_url!.url.startsWith('data:image/png;base64,')));
  });
});
