// A readable swarm (issue 14): lanes named by the sub-agent's spawn_swarm item (else its task),
// with its agent id, current tool, elapsed time, step count, and a flag on a lane that has shown
// no progress for the configured time; in the real chat bundle under the host CSP, headless Chromium.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { ev, frame, pageErrors, send, startRun, usePanel } from './webview-panel';

const usage = { input: 1000, cachedInput: 800, output: 50 };

describe('browser: swarm lanes', function () {
  this.timeout(120_000);
  const panel = usePanel();

  const lanes = (page: import('puppeteer-core').Page) =>
    page.$$eval('.lane', (ls) => ls.map((l) => ({
      id: l.getAttribute('data-agent-id'),
      name: l.querySelector('.lane-name')?.textContent,
      title: l.querySelector('.lane-name')?.getAttribute('title'),
      agent: l.querySelector('.lane-agent')?.textContent,
      tool: l.querySelector('.lane-tool')?.textContent,
      elapsed: l.querySelector('.lane-elapsed')?.textContent,
      ticks: l.querySelector('.lane-ticks')?.getAttribute('title'),
      stalled: l.classList.contains('stalled'),
      flag: l.querySelector('.lane-stalled:not(.hidden)')?.textContent ?? '',
    })));

  it('names the workers of one spawn_swarm by their item, with agent id, current tool, elapsed time and "1 step"', async () => {
    const page = await panel.open();
    await startRun(page, 'r1');
    const items = ['src/parser.ts', 'src/lexer.ts', 'docs/README.md'];
    for (const [i, item] of items.entries()) {
      await send(page, ev('r1', { type: 'agent_spawned', agentId: `worker#${i + 1}`, parentId: 'root', name: 'worker', task: `Review ${item} for bugs and report`, item }));
    }
    // An assign_task sub-agent (no item) is named by its task's first line.
    await send(page,
      ev('r1', { type: 'agent_spawned', agentId: 'critic#1', parentId: 'root', name: 'critic', task: 'Check the error messages\nthen list them' }),
      ev('r1', { type: 'usage', agentId: 'worker#2', tokens: usage }),
      ev('r1', { type: 'tool_called', agentId: 'worker#2', callId: 'g', name: 'grep', args: { pattern: 'TODO' } }),
      ev('r1', { type: 'agent_finished', agentId: 'worker#3', status: 'done', steps: 1 }));
    await frame(page);
    const r = await lanes(page);
    assert.deepEqual(r.map((l) => l.name), [...items, 'Check the error messages']);
    assert.deepEqual(r.map((l) => l.agent), ['worker#1', 'worker#2', 'worker#3', 'critic#1']);
    assert.equal(r[0].title, 'Review src/parser.ts for bugs and report');
    assert.equal(r[1].tool, 'grep');
    assert.equal(r[0].tool, '');
    assert.equal(r[2].ticks, '1 step');
    assert.equal(r[1].ticks, '1 step');
    assert.equal(r[0].ticks, '0 steps');
    for (const l of r) assert.match(l.elapsed ?? '', /^\d+s$/);
    assert.equal(await page.$eval('.swarm-count', (e) => e.textContent), '4 agents, 3 running');
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/webview-lanes.png' });
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('flags a running lane with no event for the configured time, and clears the flag on its next event', async () => {
    const page = await panel.open();
    // swarmcode.laneStallSeconds, as the extension sends it (a fraction here, so the test waits briefly).
    await send(page, { type: 'swarmSettings', stallSeconds: 0.3 });
    await startRun(page, 'r2');
    await send(page,
      ev('r2', { type: 'agent_spawned', agentId: 'worker#1', parentId: 'root', name: 'worker', task: 'Do a', item: 'a' }),
      ev('r2', { type: 'agent_spawned', agentId: 'worker#2', parentId: 'root', name: 'worker', task: 'Do b', item: 'b' }),
      ev('r2', { type: 'tool_called', agentId: 'worker#1', callId: 'c', name: 'run_command', args: { command: 'npm test' } }),
      ev('r2', { type: 'agent_finished', agentId: 'worker#2', status: 'done', steps: 2 }));
    await page.waitForFunction(() => document.querySelector('.lane[data-agent-id="worker#1"]')?.classList.contains('stalled'), { timeout: 20_000 });
    let r = await lanes(page);
    assert.match(r[0].flag, /^no progress for \d+s$/);
    assert.equal(r[0].tool, 'run_command');
    assert.equal(r[1].stalled, false, 'a finished lane is never flagged');
    assert.equal(await page.$eval('.swarm-count', (e) => e.textContent), '2 agents, 1 running, 1 without progress');
    // Its command answers: progress, the flag goes at once. Delivered and read in one step: with
    // a 0.3 s stall time, a loaded machine could let the once-a-second tick flag the lane again
    // between two round trips to the page.
    const after = await page.evaluate((m) => {
      window.dispatchEvent(new MessageEvent('message', { data: m }));
      const l = document.querySelector('.lane[data-agent-id="worker#1"]')!;
      return { stalled: l.classList.contains('stalled'), flag: l.querySelector('.lane-stalled:not(.hidden)')?.textContent ?? '' };
    }, ev('r2', { type: 'tool_output', agentId: 'worker#1', callId: 'c', ok: true, output: 'ok' }));
    assert.equal(after.stalled, false);
    assert.equal(after.flag, '');
    await page.screenshot({ path: 'test-artifacts/webview-lanes-stalled.png' }).catch(() => undefined);
    // The run ends: the lane is closed and no timer flags it afterwards.
    await send(page, { type: 'runEnded', result: { runId: 'r2', status: 'cancelled', text: '', summary: { wallMs: 1, steps: 1, toolCalls: 1, tokens: { input: 1, cachedInput: 0, output: 1 } } } });
    r = await lanes(page);
    assert.equal(r[0].stalled, false);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('shows hostile items as text (no markup) and cuts very long ones', async () => {
    const page = await panel.open();
    await startRun(page, 'r3');
    const evil = '<img src=x onerror="window.__pwned=1">\n' + 'y'.repeat(300);
    await send(page, ev('r3', { type: 'agent_spawned', agentId: 'worker#1', parentId: 'root', name: 'worker', task: 'x', item: evil }));
    await frame(page);
    const r = await lanes(page);
    assert.ok(r[0].name?.startsWith('<img src=x onerror="window.__pwned=1"> yyy'), r[0].name ?? '');
    assert.equal(r[0].name?.length, 80);
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
    assert.equal(await page.$('.lane img'), null);
    await page.close();
  });
});
