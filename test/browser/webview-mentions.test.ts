// The composer's @-mention popup and context chips, and the transcript's highlighted code blocks
// with their Copy / Insert / Apply buttons, in real headless Chromium under the host page's CSP
// (src/chat/view.ts renderHtml). Conventions followed: Cline / Roo (@file, @folder, @problems,
// @terminal, @git-changes), Continue (context providers; chips), Copilot Chat (the current-file
// chip, on by default and removable). Items are what swarm/mentions answers (docs/protocol.md).
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import type { MentionItem } from '../../server/protocol';
import type { ToExtension } from '../../webview/messages';
import { frame, pageErrors, posted, send, startRun, summary, usePanel } from './webview-panel';

const ITEMS: MentionItem[] = [
  { kind: 'file', path: 'src/util.ts', label: 'util.ts', detail: 'src' },
  { kind: 'folder', path: 'src', label: 'src', detail: '' },
  { kind: 'symbol', path: 'src/util.ts', label: 'alpha', line: 1, detail: 'function' },
];

const items = (page: Page) =>
  page.$$eval('.mention-menu:not(.hidden) .mention-item', (els) => els.map((e) => ({ label: e.querySelector('.mention-label')?.textContent, selected: e.classList.contains('selected') })));
const value = (page: Page) => page.$eval('textarea.input', (t) => (t as HTMLTextAreaElement).value);
const queries = async (page: Page) => (await posted(page)).filter((m): m is Extract<ToExtension, { type: 'mentionQuery' }> => m.type === 'mentionQuery');
const sends = async (page: Page) => (await posted(page)).filter((m): m is Extract<ToExtension, { type: 'send' }> => m.type === 'send');
const chips = (page: Page) => page.$$eval('.context-chips:not(.hidden) .chip', (els) => els.map((e) => e.querySelector('.chip-label')?.textContent));

/** Answers the latest mentionQuery with `list`, as the extension does with swarm/mentions. */
async function answer(page: Page, list: MentionItem[]): Promise<void> {
  const last = (await queries(page)).at(-1)!;
  await send(page, { type: 'mentionResults', id: last.id, items: list });
}

describe('browser: @-mentions, context chips and code blocks', function () {
  this.timeout(120_000);
  const panel = usePanel();

  it('@ opens the popup with the special mentions and the server items; arrows and Enter pick; the send carries the mention', async () => {
    const page = await panel.open();
    await page.focus('textarea.input');
    await page.keyboard.type('explain @');
    assert.deepEqual((await items(page)).map((i) => i.label), ['@problems', '@terminal', '@git', '@selection'], 'specials show at once');
    assert.deepEqual((await queries(page)).map((q) => q.query), ['']);
    await page.keyboard.type('ut');
    const qs = await queries(page);
    assert.deepEqual(qs.map((q) => q.query), ['', 'u', 'ut']);
    // A stale answer (for "u") is dropped; the current one shows.
    await send(page, { type: 'mentionResults', id: qs[1].id, items: [{ kind: 'file', path: 'stale.ts', label: 'stale.ts' }] });
    assert.deepEqual(await items(page), []);
    await answer(page, ITEMS);
    assert.deepEqual((await items(page)).map((i) => i.label), ['util.ts', 'src/', 'alpha']);
    assert.equal((await items(page))[0].selected, true);
    await send(page, { type: 'editorContext', enabled: true, context: { path: 'src/deep/a.ts', selection: { startLine: 3, endLine: 7 } } });
    await page.screenshot({ path: 'test-artifacts/webview-mentions.png' });
    await send(page, { type: 'editorContext', enabled: false });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    assert.equal(await value(page), 'explain @src/util.ts ');
    assert.equal(await page.$('.mention-menu:not(.hidden)'), null, 'closed after picking');
    assert.deepEqual(await chips(page), ['util.ts']);
    assert.equal((await sends(page)).length, 0, 'picking does not send');
    await page.keyboard.type('please');
    await page.keyboard.press('Enter');
    assert.deepEqual(await sends(page), [{ type: 'send', text: 'explain @src/util.ts please', images: [], context: [{ kind: 'path', path: 'src/util.ts' }] }]);
    assert.deepEqual(await chips(page), [], 'mention chips go with the message');
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('an e-mail address never opens the popup; Escape closes it; Tab and a click pick; typed @git counts; a chip × removes its mention', async () => {
    const page = await panel.open();
    await page.focus('textarea.input');
    await page.keyboard.type('mail a@b.com ');
    assert.equal(await page.$('.mention-menu:not(.hidden)'), null);
    assert.deepEqual(await queries(page), []);
    await page.keyboard.type('@al');
    await answer(page, ITEMS.slice(2));
    await page.keyboard.press('Escape');
    assert.equal(await page.$('.mention-menu:not(.hidden)'), null);
    await page.keyboard.type('p');
    await answer(page, ITEMS.slice(2));
    await page.click('.mention-menu .mention-item');
    assert.equal(await value(page), 'mail a@b.com @alpha ');
    await page.keyboard.type('@s');
    await answer(page, ITEMS);
    // @selection is the only special starting with "s"; then the items.
    assert.deepEqual((await items(page)).map((i) => i.label), ['@selection', 'util.ts', 'src/', 'alpha']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    assert.equal(await value(page), 'mail a@b.com @alpha @src ');
    await page.keyboard.type('and @git');
    assert.deepEqual((await items(page)).map((i) => i.label), ['@git']);
    assert.deepEqual(await chips(page), ['alpha', 'src', '@git']);
    // The × on "src" takes @src out of the text.
    const rm = await page.$$('.context-chips .chip-remove');
    await rm[1].click();
    assert.equal(await value(page), 'mail a@b.com @alpha and @git');
    await page.focus('textarea.input');
    await page.keyboard.press('End');
    // The caret after "@git" shows the popup again; Enter on a mention typed in full sends.
    assert.deepEqual((await items(page)).map((i) => i.label), ['@git']);
    await page.keyboard.press('Enter');
    assert.deepEqual((await sends(page)).at(-1)!.context, [{ kind: 'symbol', name: 'alpha', path: 'src/util.ts', line: 1 }, { kind: 'git' }]);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('the editor chip shows the active file and selection, is sent by default, and × leaves it out until another file is active', async () => {
    const page = await panel.open();
    await send(page, { type: 'editorContext', enabled: true, context: { path: 'src/deep/a.ts', selection: { startLine: 3, endLine: 7 } } });
    assert.deepEqual(await chips(page), ['a.ts:3-7']);
    await page.type('textarea.input', 'why');
    await page.keyboard.press('Enter');
    assert.deepEqual((await sends(page)).at(-1)!.context, [{ kind: 'editor' }]);
    assert.deepEqual(await chips(page), ['a.ts:3-7'], 'the editor chip stays after a send');
    await send(page, { type: 'notice', message: 'done' }); // the panel takes the next message
    await page.click('.chip-editor .chip-remove');
    assert.deepEqual(await chips(page), []);
    await page.type('textarea.input', 'again');
    await page.keyboard.press('Enter');
    assert.equal((await sends(page)).at(-1)!.context, undefined);
    // The same file with another selection stays removed; another file brings the chip back.
    await send(page, { type: 'editorContext', enabled: true, context: { path: 'src/deep/a.ts' } });
    assert.deepEqual(await chips(page), []);
    await send(page, { type: 'editorContext', enabled: true, context: { path: 'b.py' } });
    assert.deepEqual(await chips(page), ['b.py']);
    // The setting off: no chip, nothing sent.
    await send(page, { type: 'editorContext', enabled: false, context: { path: 'b.py' } });
    assert.deepEqual(await chips(page), []);
    // A hostile file name is text.
    await send(page, { type: 'editorContext', enabled: true, context: { path: '<img src=x onerror="window.__pwned=1">.ts' } });
    assert.equal(await page.$('.context-chips img'), null);
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
    await page.close();
  });

  it('code blocks are highlighted with classes only (no CSP violation, text unchanged) and Copy / Insert / Apply post the code', async () => {
    const page = await panel.open();
    await page.evaluate(() => {
      (window as any).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const ts = 'export function add(a: number): number {\n  // sum </code><script>window.__pwned=1</script>\n  return a + 1; \'x\' "y"\n}';
    const diff = '@@ -1 +1 @@\n-old\n+new';
    const text = `Here:\n\n\`\`\`ts src/add.ts\n${ts}\n\`\`\`\n\n\`\`\`diff\n${diff}\n\`\`\`\n\n\`\`\`\nplain\n\`\`\``;
    await startRun(page, 'r1');
    await send(page, { type: 'event', runId: 'r1', event: { type: 'text_delta', agentId: 'root', text } });
    await send(page, { type: 'runEnded', result: { runId: 'r1', status: 'done', text, summary } });
    await frame(page);
    const r = await page.$$eval('.turn.assistant .md pre', (pres) => pres.map((pre) => ({
      text: pre.querySelector('code')!.textContent,
      classes: [...pre.querySelectorAll('code span')].map((s) => `${s.className}:${s.textContent}`),
      path: (pre as HTMLElement).dataset.path ?? null,
      buttons: [...pre.querySelectorAll('.code-actions button')].map((b) => b.textContent),
      styled: [...pre.querySelectorAll('[style]')].length,
    })));
    assert.equal(r.length, 3);
    assert.equal(r[0].text, `${ts}\n`, 'highlighting keeps the text exactly');
    for (const want of ['hl-keyword:export', 'hl-keyword:function', 'hl-function:add', 'hl-comment:// sum </code><script>window.__pwned=1</script>', 'hl-number:1', "hl-string:'x'", 'hl-string:"y"', 'hl-keyword:return']) {
      assert.ok(r[0].classes.includes(want), `${want} in ${r[0].classes.join(' | ')}`);
    }
    assert.equal(r[0].path, 'src/add.ts');
    assert.deepEqual(r[1].classes, ['hl-meta:@@ -1 +1 @@\n', 'hl-deleted:-old\n', 'hl-inserted:+new\n']);
    assert.deepEqual(r[2].classes, [], 'no language: plain');
    assert.deepEqual(r[0].buttons, ['Copy', 'Insert', 'Apply']);
    assert.ok(r.every((p) => p.styled === 0), 'no style attributes');
    assert.equal(await page.$('.md script'), null);
    // The stylesheet (style-src = the host) colours the classes.
    const colours = await page.$eval('.md pre code', (code) => ({
      keyword: getComputedStyle(code.querySelector('.hl-keyword')!).color,
      string: getComputedStyle(code.querySelector('.hl-string')!).color,
      plain: getComputedStyle(code).color,
    }));
    assert.notEqual(colours.keyword, colours.plain);
    assert.notEqual(colours.string, colours.keyword);
    assert.deepEqual(await page.evaluate(() => (window as any).__csp), []);
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);

    const pres = await page.$$('.turn.assistant .md pre');
    await pres[0].hover();
    await page.screenshot({ path: 'test-artifacts/webview-code.png' });
    await (await pres[0].$('.code-apply'))!.click();
    await (await pres[0].$('.code-insert'))!.click();
    await pres[2].hover();
    await (await pres[2].$('.code-copy'))!.click();
    const out = (await posted(page)).filter((m) => m.type === 'codeBlock');
    assert.deepEqual(out, [
      { type: 'codeBlock', action: 'apply', code: `${ts}\n`, language: 'ts', path: 'src/add.ts' },
      { type: 'codeBlock', action: 'insert', code: `${ts}\n`, language: 'ts', path: 'src/add.ts' },
      { type: 'codeBlock', action: 'copy', code: 'plain\n' },
    ]);
    assert.equal(await (await pres[2].$('.code-copy'))!.evaluate((b) => b.textContent), 'Copied');
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });
});
