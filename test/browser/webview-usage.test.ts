// The live usage meter (webview/usage.ts) in real headless Chromium under the panel's CSP: a
// context gauge per agent from `context` events, the running tokens / cost / budget from
// `run_usage` events (server/protocol.ts), and Add Selection to Chat's insertText.
import assert from 'node:assert/strict';
import { ev, frame, pageErrors, send, startRun, usePanel } from './webview-panel';

describe('browser: live usage meter', function () {
  this.timeout(120_000);
  const panel = usePanel();

  it('shows a context meter per agent and the running cost against the budget, updating live', async () => {
    const page = await panel.open();
    await startRun(page, 'R1');
    // Nothing until the first numbers arrive.
    assert.equal(await page.$eval('.turn.assistant .usage', (e) => e.classList.contains('hidden')), true);
    await send(page,
      ev('R1', { type: 'context', agentId: 'root', tokens: 26_214, budget: 206_438, window: 262_144 }),
      ev('R1', { type: 'run_usage', agentId: 'root', tokens: { input: 20_000, cachedInput: 12_000, output: 5_000 }, costUsd: 0.0213, budget: { tokens: 100_000, usd: 1 } }),
      ev('R1', { type: 'agent_spawned', agentId: 'worker#1', parentId: 'root', name: 'worker', task: 'item a' }),
      ev('R1', { type: 'context', agentId: 'worker#1', tokens: 240_000, budget: 206_438, window: 262_144 }),
    );
    await frame(page);
    const read = () => page.$eval('.turn.assistant .usage', (root) => ({
      hidden: root.classList.contains('hidden'),
      rows: [...root.querySelectorAll('.context-row')].map((r) => {
        const m = r.querySelector('meter') as HTMLMeterElement;
        return { agent: r.getAttribute('data-agent'), value: m.value, max: m.max, high: m.high, text: r.querySelector('.context-text')?.textContent };
      }),
      spend: root.querySelector('.usage-spend-text')?.textContent,
      budget: (root.querySelector('.usage-budget') as HTMLMeterElement).value,
      budgetShown: !root.querySelector('.usage-budget')!.classList.contains('hidden'),
      // Past the compaction point the gauge is in its "high" region.
      overHigh: (root.querySelector('.context-row[data-agent="worker#1"] meter') as HTMLMeterElement).matches(':is(meter)') && (root.querySelector('.context-row[data-agent="worker#1"] meter') as HTMLMeterElement).value > (root.querySelector('.context-row[data-agent="worker#1"] meter') as HTMLMeterElement).high,
    }));
    let r = await read();
    assert.equal(r.hidden, false);
    assert.deepEqual(r.rows, [
      { agent: 'root', value: 26_214, max: 262_144, high: 206_438, text: '26k / 262k (10%)' },
      { agent: 'worker#1', value: 240_000, max: 262_144, high: 206_438, text: '240k / 262k (92%)' },
    ]);
    assert.equal(r.overHigh, true);
    // 25,000 of 100,000 tokens = 25%; $0.0213 of $1 = 2%: the nearer limit is shown.
    assert.equal(r.spend, '25k tokens · 12k cached · $0.0213 · 25% of 100k tokens budget');
    assert.equal(r.budget, 0.25);
    assert.equal(r.budgetShown, true);

    // Live: the next numbers replace the old ones in place (no new rows).
    await send(page,
      ev('R1', { type: 'context', agentId: 'root', tokens: 52_000, budget: 206_438, window: 262_144 }),
      ev('R1', { type: 'run_usage', agentId: 'root', tokens: { input: 60_000, cachedInput: 40_000, output: 30_000 }, costUsd: 0.95, budget: { tokens: 100_000, usd: 1 } }),
    );
    await frame(page);
    r = await read();
    assert.equal(r.rows.length, 2);
    assert.equal(r.rows[0].text, '52k / 262k (20%)');
    // $0.95 of $1 (95%) is now nearer than 90,000 of 100,000 tokens (90%).
    assert.equal(r.spend, '90k tokens · 40k cached · $0.9500 · 95% of $1.00 budget');
    assert.equal(r.budget, 0.95);
    // The run ends at the budget: the server's message is shown, the meter stays with the last numbers.
    await send(page, ev('R1', { type: 'error', agentId: 'root', message: 'Budget reached: $1.0012 spent of a $1.00 budget.' }));
    await send(page, { type: 'runEnded', result: { runId: 'R1', status: 'cancelled', stopReason: 'budget', text: '', error: 'Budget reached: $1.0012 spent of a $1.00 budget.', summary: { wallMs: 1000, steps: 2, toolCalls: 1, tokens: { input: 60_000, cachedInput: 40_000, output: 30_000 }, costUsd: 1.0012 } } });
    await frame(page);
    const end = await page.$eval('.turn.assistant', (t) => ({ text: t.textContent ?? '', footer: t.querySelector('.run-footer')?.textContent ?? '' }));
    assert.match(end.text, /Budget reached: \$1\.0012 spent of a \$1\.00 budget\./);
    assert.match(end.text, /Stopped at the budget\./);
    assert.match(end.footer, /\$1\.00\b/);
    assert.deepEqual(pageErrors(page), []);
    assert.deepEqual(await page.evaluate(() => (window as any).__csp), [], 'no CSP violation (no inline styles)');
    await page.close();
  });

  it('a run without prices or budget shows tokens only; hostile numbers do not break the meter', async () => {
    const page = await panel.open();
    await startRun(page, 'R2');
    await send(page,
      ev('R2', { type: 'run_usage', agentId: 'root', tokens: { input: 900, cachedInput: 0, output: 100 } }),
      // A window of 0 (unknown) shows no gauge; a size over the window is clamped.
      ev('R2', { type: 'context', agentId: 'root', tokens: 5, budget: 0, window: 0 }),
      ev('R2', { type: 'context', agentId: 'x<img src=x onerror=alert(1)>', tokens: 9_000, budget: 0, window: 8_192 }),
    );
    await frame(page);
    const r = await page.$eval('.turn.assistant .usage', (root) => ({
      spend: root.querySelector('.usage-spend-text')?.textContent,
      budgetShown: !root.querySelector('.usage-budget')!.classList.contains('hidden'),
      rows: [...root.querySelectorAll('.context-row')].map((x) => ({ agent: x.querySelector('.context-agent')?.textContent, value: (x.querySelector('meter') as HTMLMeterElement).value })),
      imgs: root.querySelectorAll('img').length,
    }));
    assert.equal(r.spend, '1.0k tokens');
    assert.equal(r.budgetShown, false);
    assert.deepEqual(r.rows, [{ agent: 'x<img src=x onerror=alert(1)>', value: 8_192 }]);
    assert.equal(r.imgs, 0);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('a wide-swarm question shows how many sub-agents and the limit; Allow answers it', async () => {
    const page = await panel.open();
    await send(page, { type: 'approval', approval: { id: 'q1', params: { runId: 'R3', agentId: 'main', kind: 'swarm', tool: 'spawn_swarm', width: 40, limit: 32, args: '{\n  "items": ["a"]\n}', cwd: '/ws', reason: 'it starts 40 sub-agents at once, more than swarmcode.swarm.confirmWidth (32)' } } });
    const row = await page.$eval('.approval[data-kind="swarm"]', (e) => e.textContent ?? '');
    assert.match(row, /wants to start 40 sub-agents at once \(asks above 32\)/);
    assert.match(row, /Asked because it starts 40 sub-agents at once/);
    await page.click('.approval[data-kind="swarm"] .approve-once');
    const answers = (await page.evaluate(() => (window as any).__posted)).filter((m: any) => m.type === 'approve');
    assert.deepEqual(answers, [{ type: 'approve', id: 'q1', approved: true }]);
    await page.close();
  });

  it('insertText (Add Selection to Chat) goes in at the cursor on its own line and keeps the draft', async () => {
    const page = await panel.open();
    await page.type('.composer textarea, textarea.input', 'Explain this:');
    await send(page, { type: 'insertText', text: 'src/a.ts:3-4\n```ts\nlet x = 1;\n```\n' });
    const value = await page.$eval('textarea.input', (t) => (t as HTMLTextAreaElement).value);
    assert.equal(value, 'Explain this:\nsrc/a.ts:3-4\n```ts\nlet x = 1;\n```\n');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('input')), true);
    await page.close();
  });
});
