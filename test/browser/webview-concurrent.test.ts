// Several conversations running at once, as the chat panel shows them (real headless Chromium):
// each history row carries its last run's state, switching away from a running conversation and
// back picks its live run up again, and Stop acts on the shown conversation.
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import type { Conversation, ConversationSummary } from '../../webview/messages';
import { ev, frame, pageErrors, posted, send, stream, summary, usePanel } from './webview-panel';

const stopVisible = (page: Page) => page.$eval('.button.stop', (b) => !b.classList.contains('hidden'));
const rows = (page: Page) => page.$$eval('.history-item', (els) => els.map((e) => ({
  id: e.getAttribute('data-id'),
  status: e.querySelector('.history-status')?.textContent ?? null,
  cls: e.querySelector('.history-status')?.className ?? null,
})));

describe('browser: webview concurrent conversations', function () {
  this.timeout(120_000);
  const panel = usePanel();

  it('lists each conversation with its state and follows the shown one while others run', async () => {
    const page = await panel.open();
    const now = Date.now();
    const list = (a: ConversationSummary['status']): ConversationSummary[] => [
      { id: 'A', title: 'Refactor parser', updatedAt: now, status: a },
      { id: 'B', title: 'Write docs', updatedAt: now - 1000, status: 'running' },
      { id: 'C', title: 'Broken build', updatedAt: now - 2000, status: 'failed' },
      { id: 'D', title: 'Long essay', updatedAt: now - 3000, status: 'stopped' },
      { id: 'E', title: 'Old chat', updatedAt: now - 4000 },
    ];
    const convA: Conversation = {
      id: 'A', title: 'Refactor parser', updatedAt: now, status: 'running',
      messages: [{ role: 'user', text: 'Refactor the parser' }],
      runs: [{ runId: 'RA', events: [
        { type: 'run_started', agentId: 'root', task: 'Refactor the parser', model: 'kimi-k2.5' },
        { type: 'text_delta', agentId: 'root', text: 'Reading parse.ts. ' },
      ] }],
    };
    // A is shown and running; B runs in the background.
    await send(page, { type: 'init', conversation: convA, conversations: list('running') }, { type: 'runStarted', runId: 'RA' });
    await page.click('.history-toggle');
    await page.waitForSelector('.history-panel:not(.hidden)');
    assert.deepEqual(await rows(page), [
      { id: 'A', status: 'running', cls: 'history-status running' },
      { id: 'B', status: 'running', cls: 'history-status running' },
      { id: 'C', status: 'failed', cls: 'history-status failed' },
      { id: 'D', status: 'stopped', cls: 'history-status stopped' },
      { id: 'E', status: null, cls: null },
    ]);
    assert.equal(await stopVisible(page), true);

    // Switch to C (not running): the composer is free to send there while A and B go on.
    await page.click('.history-item[data-id="C"]');
    const convC: Conversation = {
      id: 'C', title: 'Broken build', updatedAt: now - 2000, status: 'failed',
      messages: [{ role: 'user', text: 'Fix the build' }, { role: 'assistant', text: '' }],
      runs: [{ runId: 'RC', events: [{ type: 'run_started', agentId: 'root', task: 'Fix the build', model: 'kimi-k2.5' }] }],
    };
    await send(page, { type: 'init', conversation: convC, conversations: list('running') });
    await frame(page);
    assert.equal(await stopVisible(page), false);
    assert.deepEqual(await page.$$eval('.turn.user .user-text', (e) => e.map((x) => x.textContent)), ['Fix the build']);
    assert.equal(await page.$eval('.conv-title', (e) => e.textContent), 'Broken build');

    // Back to A: what streamed meanwhile is in the stored events; the live run goes on in place.
    convA.runs[0].events.push({ type: 'text_delta', agentId: 'root', text: 'Splitting into lexer and parser. ' });
    await send(page, { type: 'init', conversation: convA, conversations: list('running') }, { type: 'runStarted', runId: 'RA' });
    await stream(page, 'RA', 'text_delta', 'Done **refactoring**.');
    await frame(page);
    assert.equal(await stopVisible(page), true);
    assert.equal(await page.$$eval('.turn.assistant', (e) => e.length), 1);
    assert.equal(await page.$eval('.turn.assistant .md', (e) => e.textContent?.trim()), 'Reading parse.ts. Splitting into lexer and parser. Done refactoring.');
    await page.click('.button.stop');
    await send(page, { type: 'runEnded', result: { runId: 'RA', status: 'cancelled', text: '', summary } },
      { type: 'conversations', conversations: list('stopped') });
    await frame(page);
    assert.equal(await stopVisible(page), false);
    await page.click('.history-toggle');
    await page.waitForSelector('.history-panel:not(.hidden)');
    assert.deepEqual((await rows(page)).map((r) => r.status), ['stopped', 'running', 'failed', 'stopped', null]);
    const msgs = (await posted(page)).filter((m) => m.type !== 'ready');
    assert.deepEqual(msgs, [{ type: 'listConversations' }, { type: 'openConversation', id: 'C' }, { type: 'stop' }, { type: 'listConversations' }]);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });
});
