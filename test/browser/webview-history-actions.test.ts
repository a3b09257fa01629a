// The history list's search, export and delete, and Rewind on each message, in real headless
// Chromium under the panel's CSP (webview/history.ts, webview/transcript.ts). The extension's side
// (store search/delete, rewind's rollback) is tested in test/unit/src/chat and test/protocol/rewind.
import assert from 'node:assert/strict';
import type { Conversation, ConversationSummary } from '../../webview/messages';
import { ev, frame, pageErrors, posted, send, startRun, summary, usePanel } from './webview-panel';

const list: ConversationSummary[] = [
  { id: 'a', title: 'Fix the parser', updatedAt: Date.now() - 60_000 },
  { id: 'b', title: 'Write the docs', updatedAt: Date.now() - 3_600_000 },
  { id: 'c', title: 'Speed up <b>search</b>', updatedAt: Date.now() - 86_400_000 },
];
const conv: Conversation = {
  id: 'a', title: 'Fix the parser', updatedAt: Date.now(),
  messages: [
    { role: 'user', text: 'first' }, { role: 'assistant', text: 'one' },
    { role: 'user', text: 'second' }, { role: 'assistant', text: 'two' },
  ],
  runs: [{ runId: 'r1', events: [] }, { runId: 'r2', events: [] }],
};
const sent = async (page: Parameters<typeof posted>[0]) => (await posted(page)).filter((m) => m.type !== 'ready');

describe('browser: history search, delete, export and rewind', function () {
  this.timeout(120_000);
  const panel = usePanel();

  it('searches through the extension, ignores stale answers, exports and deletes with a second click', async () => {
    const page = await panel.open();
    await send(page, { type: 'init', conversation: conv, conversations: list });
    await page.click('.history-toggle');
    await page.waitForSelector('.history-panel:not(.hidden)');
    await page.type('.history-search', 'pars');
    await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'listConversations' && m.query === 'pars'));
    // An answer to an older search is not shown; the one for this query is.
    await send(page, { type: 'conversations', conversations: list, query: 'p' });
    assert.equal(await page.$$eval('.history-item', (e) => e.length), 3);
    await send(page, { type: 'conversations', conversations: [list[0]], query: 'pars' });
    assert.deepEqual(await page.$$eval('.history-item .history-title', (e) => e.map((x) => x.textContent)), ['Fix the parser']);
    await send(page, { type: 'conversations', conversations: [], query: 'pars' });
    assert.equal(await page.$eval('.history-empty', (e) => e.textContent), 'No conversation matches.');
    // Clearing the search lists them all again (hostile title stays text).
    await page.click('.history-search', { count: 3 });
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => (window as any).__posted.filter((m: any) => m.type === 'listConversations' && !m.query).length >= 2);
    await send(page, { type: 'conversations', conversations: list });
    assert.equal(await page.$$eval('.history-item', (e) => e.length), 3);
    assert.equal(await page.$eval('.history-item[data-id="c"] .history-title', (e) => e.textContent), 'Speed up <b>search</b>');
    assert.equal(await page.$$eval('.history-panel b', (e) => e.length), 0);

    await page.click('.history-item[data-id="b"] .history-export');
    // Delete asks once more on the row; only the second click posts, and opening is not triggered.
    await page.click('.history-item[data-id="c"] .history-delete');
    assert.equal(await page.$eval('.history-item[data-id="c"] .history-delete', (e) => e.textContent), 'Delete?');
    let msgs = await sent(page);
    assert.ok(!msgs.some((m) => m.type === 'deleteConversation' || m.type === 'openConversation'));
    await page.click('.history-item[data-id="c"] .history-delete');
    msgs = await sent(page);
    assert.deepEqual(msgs.filter((m) => ['deleteConversation', 'exportConversation', 'openConversation'].includes(m.type)), [
      { type: 'exportConversation', id: 'b' },
      { type: 'deleteConversation', id: 'c' },
    ]);
    assert.equal(await page.$('.history-item[data-id="c"]'), null);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('offers Rewind on every message, posts its index, and hides it while a run goes', async () => {
    const page = await panel.open();
    await send(page, { type: 'init', conversation: conv, conversations: list });
    await frame(page);
    const indexes = await page.$$eval('.transcript .turn', (t) => t.map((x) => [x.classList.contains('user') ? 'user' : 'assistant', (x as HTMLElement).dataset.index, !!x.querySelector('button.rewind')]));
    assert.deepEqual(indexes, [['user', '0', true], ['assistant', '1', true], ['user', '2', true], ['assistant', '3', true]]);
    await page.hover('.turn[data-index="1"]');
    await page.click('.turn[data-index="1"] button.rewind');
    await page.hover('.turn[data-index="2"]');
    await page.click('.turn[data-index="2"] button.rewind');
    assert.deepEqual((await sent(page)).filter((m) => m.type === 'rewind'), [{ type: 'rewind', index: 1, role: 'assistant' }, { type: 'rewind', index: 2, role: 'user' }]);

    // A live turn gets the next indexes: its user message now, its answer when the run ends.
    await page.type('textarea.input', 'third');
    await page.keyboard.press('Enter');
    await startRun(page, 'r3');
    assert.equal(await page.$eval('.transcript', (t) => t.classList.contains('busy')), true);
    assert.equal(await page.$eval('.turn.user[data-index="4"] button.rewind', (b) => getComputedStyle(b).display), 'none');
    await send(page, ev('r3', { type: 'text_delta', agentId: 'root', text: 'three' }));
    await send(page, { type: 'runEnded', result: { runId: 'r3', status: 'done', text: 'three', summary } });
    await frame(page);
    assert.equal(await page.$eval('.transcript', (t) => t.classList.contains('busy')), false);
    assert.equal(await page.$eval('.turn.assistant[data-run-id="r3"]', (t) => (t as HTMLElement).dataset.index), '5');
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });
});
