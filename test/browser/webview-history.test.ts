// The chat panel's conversation history, live-run resume and swarm lanes, in real headless Chromium.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Conversation } from '../../webview/messages';
import { ev, frame, pageErrors, PNG_B64, posted, send, startRun, stream, summary, usePanel } from './webview-panel';

describe('browser: webview chat panel history and swarm lanes', function () {
  this.timeout(120_000);
  const panel = usePanel();

  it('reopens a stored conversation with its messages, thinking and tool cards; history and new chat post', async () => {
    const page = await panel.open();
    const conv: Conversation = {
      id: 'c-2', title: 'Fix the parser', updatedAt: Date.now() - 3_600_000,
      messages: [
        { role: 'user', text: 'Fix the parser bug', images: [{ mimeType: 'image/png', data: PNG_B64 }] },
        { role: 'assistant', text: 'Fixed the **off-by-one** in `parse()`.' },
        { role: 'user', text: 'Thanks! And the docs?' },
        { role: 'assistant', text: 'Updated the *README*.' },
      ],
      runs: [{
        runId: 'old-1',
        events: [
          { type: 'run_started', agentId: 'root', task: 'Fix the parser bug', model: 'kimi-k2.5' },
          { type: 'reasoning_delta', agentId: 'root', text: 'Look at parse() first.' },
          { type: 'tool_called', agentId: 'root', callId: 'k1', name: 'edit_file', args: { path: 'src/parse.ts', old_string: 'i <= n', new_string: 'i < n' } },
          { type: 'tool_output', agentId: 'root', callId: 'k1', ok: true, output: 'Edited src/parse.ts (1 replacement)' },
          { type: 'text_delta', agentId: 'root', text: 'Fixed the **off-by-one** ' },
          { type: 'text_delta', agentId: 'root', text: 'in `parse()`.' },
          { type: 'run_finished', agentId: 'root', status: 'done', summary },
        ],
      }],
    };
    await send(page, { type: 'init', conversation: conv, conversations: [
      { id: 'c-1', title: 'Older chat', updatedAt: Date.now() - 86_400_000 * 2 },
      { id: 'c-2', title: 'Fix the parser', updatedAt: conv.updatedAt },
    ] });
    await frame(page);
    const r = await page.$eval('.transcript', (root) => ({
      users: [...root.querySelectorAll('.turn.user .user-text')].map((e) => e.textContent),
      userImages: root.querySelectorAll('.turn.user img.thumb').length,
      answers: [...root.querySelectorAll('.turn.assistant .md')].map((e) => e.textContent?.trim()),
      strong: root.querySelector('.turn.assistant .md strong')?.textContent,
      thinking: root.querySelector('details.thinking .thinking-text')?.textContent,
      thinkingOpen: (root.querySelector('details.thinking') as HTMLDetailsElement | null)?.open,
      tool: root.querySelector('.tool-card')?.textContent,
      toolOk: root.querySelector('.tool-card')?.classList.contains('ok'),
    }));
    assert.deepEqual(r.users, ['Fix the parser bug', 'Thanks! And the docs?']);
    assert.equal(r.userImages, 1);
    assert.deepEqual(r.answers, ['Fixed the off-by-one in parse().', 'Updated the README.']);
    assert.equal(r.strong, 'off-by-one');
    assert.equal(r.thinking, 'Look at parse() first.');
    assert.equal(r.thinkingOpen, false);
    assert.match(r.tool ?? '', /edit_file/);
    assert.match(r.tool ?? '', /Edited src\/parse.ts/);
    assert.equal(r.toolOk, true);
    assert.equal(await page.$eval('.conv-title', (e) => e.textContent), 'Fix the parser');
    // History list: toggling asks for a fresh list; clicking opens.
    await page.click('.history-toggle');
    await page.waitForSelector('.history-panel:not(.hidden)');
    const titles = await page.$$eval('.history-item .history-title', (els) => els.map((e) => e.textContent));
    assert.deepEqual(titles, ['Fix the parser', 'Older chat']);
    await page.click('.history-item[data-id="c-1"]');
    await page.click('.new-chat');
    const msgs = (await posted(page)).filter((m) => m.type !== 'ready');
    assert.deepEqual(msgs, [{ type: 'listConversations' }, { type: 'openConversation', id: 'c-1' }, { type: 'newChat' }]);
    // A fresh init (new chat) clears the transcript.
    await send(page, { type: 'init', conversation: { id: 'c-3', title: '', updatedAt: Date.now(), messages: [], runs: [] }, conversations: [] });
    assert.equal(await page.$$eval('.turn', (e) => e.length), 0);
    assert.ok(await page.$('.empty'));
    await page.close();
  });

  it('picks up a run that is still live when the panel is reloaded mid-run', async () => {
    const page = await panel.open();
    const conv: Conversation = {
      id: 'live', title: 'Live', updatedAt: Date.now(),
      messages: [{ role: 'user', text: 'Run the tests' }],
      runs: [{ runId: 'L1', events: [
        { type: 'run_started', agentId: 'root', task: 'Run the tests', model: 'kimi-k2.5' },
        { type: 'text_delta', agentId: 'root', text: 'Running them now.' },
        { type: 'tool_called', agentId: 'root', callId: 'q', name: 'run_command', args: { command: 'npm test' } },
      ] }],
    };
    // What the extension sends on 'ready' while a run is active: init, then runStarted for it.
    await send(page, { type: 'init', conversation: conv, conversations: [] }, { type: 'runStarted', runId: 'L1' });
    await frame(page);
    assert.equal(await page.$$eval('.turn.assistant', (e) => e.length), 1);
    assert.match(await page.$eval('.tool-card', (e) => e.className), /\brunning\b/);
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), false);
    await send(page, ev('L1', { type: 'tool_output', agentId: 'root', callId: 'q', ok: true, output: '3 passing' }));
    await stream(page, 'L1', 'text_delta', 'All **green**.');
    await send(page, { type: 'runEnded', result: { runId: 'L1', status: 'done', text: 'Running them now.All green.', summary } });
    await frame(page);
    assert.match(await page.$eval('.tool-card', (e) => e.className), /\bok\b/);
    assert.equal(await page.$eval('.turn.assistant .md strong', (e) => e.textContent), 'green');
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), true);
    assert.equal(await page.$$eval('.turn.assistant', (e) => e.length), 1);
    await page.close();
  });

  it('a live run picked up mid-sentence goes on in the same paragraph, rendered live', async () => {
    const page = await panel.open();
    const conv: Conversation = {
      id: 'mid', title: 'Explain', updatedAt: Date.now(),
      messages: [{ role: 'user', text: 'Explain this code' }],
      runs: [{ runId: 'M1', events: [
        { type: 'run_started', agentId: 'root', task: 'Explain this code', model: 'kimi-k2.5' },
        { type: 'text_delta', agentId: 'root', text: 'It subtracts instead of addi' },
      ] }],
    };
    // The panel loaded while the run was streaming (a code action opens it and starts the run).
    await send(page, { type: 'init', conversation: conv, conversations: [] }, { type: 'runStarted', runId: 'M1' });
    await stream(page, 'M1', 'text_delta', 'ng: **e2e** here.');
    await frame(page);
    // Before the run ends: one paragraph, the bold part already rendered.
    assert.deepEqual(await page.$$eval('.turn.assistant .md p', (ps) => ps.map((p) => p.textContent)), ['It subtracts instead of adding: e2e here.']);
    assert.equal(await page.$eval('.turn.assistant .md strong', (e) => e.textContent), 'e2e');
    await send(page, { type: 'runEnded', result: { runId: 'M1', status: 'done', text: 'It subtracts instead of adding: **e2e** here.', summary } });
    await frame(page);
    assert.deepEqual(await page.$$eval('.turn.assistant .md p', (ps) => ps.map((p) => p.textContent)), ['It subtracts instead of adding: e2e here.']);
    await page.close();
  });

  it('renders sub-agent events as swarm lanes without disturbing the root transcript', async () => {
    const page = await panel.open();
    await startRun(page, 'w1');
    await stream(page, 'w1', 'text_delta', 'Splitting the work across agents.');
    const subs = ['tests', 'docs', 'types'];
    for (const [i, name] of subs.entries()) {
      await send(page,
        ev('w1', { type: 'agent_spawned', agentId: `sub-${i}`, parentId: 'root', name, task: `Handle the ${name}` }),
        ev('w1', { type: 'usage', agentId: `sub-${i}`, tokens: { input: 1000, cachedInput: 800, output: 50 } }),
        ev('w1', { type: 'tool_called', agentId: `sub-${i}`, callId: `s${i}`, name: 'grep', args: { pattern: name } }),
        ev('w1', { type: 'text_delta', agentId: `sub-${i}`, text: `**${name}** sub-agent says hi` }));
    }
    await send(page, ev('w1', { type: 'usage', agentId: 'sub-1', tokens: { input: 1000, cachedInput: 800, output: 50 } }),
      ev('w1', { type: 'agent_finished', agentId: 'sub-0', status: 'done', steps: 1 }),
      ev('w1', { type: 'agent_finished', agentId: 'sub-2', status: 'failed', steps: 1 }));
    await frame(page);
    const r = await page.$eval('.transcript', (root) => ({
      rootText: root.querySelector('.turn.assistant > .agent-transcript > .md')?.textContent?.trim(),
      lanes: [...root.querySelectorAll('.lane')].map((l) => ({
        id: l.getAttribute('data-agent-id'), cls: l.className,
        name: l.querySelector('.lane-name')?.textContent, tool: l.querySelector('.lane-tool')?.textContent,
        ticks: l.querySelectorAll('.tick').length,
      })),
      count: root.querySelector('.swarm-count')?.textContent,
      laneMd: root.querySelector('.lane .md strong')?.textContent,
    }));
    assert.equal(r.rootText, 'Splitting the work across agents.');
    assert.deepEqual(r.lanes.map((l) => l.name), subs.map((s) => `Handle the ${s}`));
    assert.match(r.lanes[0].cls, /\bdone\b/);
    assert.match(r.lanes[1].cls, /\brunning\b/);
    assert.match(r.lanes[1].cls, /\bcritical\b/);
    assert.equal(r.lanes[1].tool, 'grep');
    assert.equal(r.lanes[1].ticks, 2);
    assert.match(r.lanes[2].cls, /\bfailed\b/);
    assert.equal(r.count, '3 agents, 1 running');
    assert.equal(r.laneMd, 'tests');
    // Clicking a lane opens its transcript.
    await page.click('.lane[data-agent-id="sub-1"] > summary');
    assert.equal(await page.$eval('.lane[data-agent-id="sub-1"]', (d) => (d as HTMLDetailsElement).open), true);
    await frame(page);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/webview-swarm.png', fullPage: false });
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });
});
