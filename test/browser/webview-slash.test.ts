// The composer's slash-command popup, the Plan toggle and "Act on this plan", in real headless
// Chromium under the host page's CSP. The command list is what swarm/commands answers
// (docs/protocol.md): built-in, project (.swarmcode/commands, Claude Code style) and MCP prompts.
import assert from 'node:assert/strict';
import type { CommandInfo } from '../../server/protocol';
import { frame, pageErrors, posted, send, startRun, summary, usePanel } from './webview-panel';

const commands: CommandInfo[] = [
  { name: 'init', description: 'Study the repository and write an AGENTS.md', source: 'builtin', runsIn: 'server', argumentHint: '[focus]' },
  { name: 'plan', description: 'Plan only', source: 'builtin', runsIn: 'server', argumentHint: '<task>' },
  { name: 'compact', description: 'Compact the conversation now', source: 'builtin', runsIn: 'client' },
  { name: 'clear', description: 'Start a new conversation', source: 'builtin', runsIn: 'client' },
  { name: 'thinking', description: 'Toggle thinking', source: 'builtin', runsIn: 'client', argumentHint: '[on|off|auto]' },
  { name: 'fix-issue', description: 'Fix a GitHub issue', source: 'project', runsIn: 'server', argumentHint: '<number>' },
  { name: 'mcp__github__pr', description: 'Summarise a pull request', source: 'mcp', runsIn: 'server' },
  // A hostile repository's command file: its description is text, never markup.
  { name: 'zz-evil', description: '<img src=x onerror="window.__pwned=1"><b>bold</b>', source: 'project', runsIn: 'server', argumentHint: '<script>window.__pwned=1</script>' },
];

describe('browser: slash commands and plan mode in the composer', function () {
  this.timeout(120_000);
  const panel = usePanel();

  const items = (page: import('puppeteer-core').Page) =>
    page.$$eval('.slash-menu:not(.hidden) .slash-item', (els) => els.map((e) => ({ name: e.querySelector('.slash-name')?.textContent, selected: e.classList.contains('selected'), source: e.querySelector('.slash-source')?.textContent ?? null })));

  it('typing / opens the popup; it filters, moves with the arrows and completes with Tab or Enter', async () => {
    const page = await panel.open();
    await send(page, { type: 'commands', commands });
    await page.focus('textarea.input');
    await page.keyboard.type('/');
    let shown = await items(page);
    assert.deepEqual(shown.map((i) => i.name), commands.map((c) => `/${c.name}`));
    assert.equal(shown[0].selected, true);
    assert.deepEqual(shown.filter((i) => i.source).map((i) => i.source), ['project', 'mcp', 'project'], 'non-built-in commands show where they come from');
    assert.equal(await page.$eval('.slash-item:last-child .slash-desc', (e) => e.textContent), commands.at(-1)!.description);
    assert.equal(await page.$('.slash-menu img, .slash-menu b, .slash-menu script'), null);
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
    assert.ok((await posted(page)).some((m) => m.type === 'listCommands'), 'opening the popup asks for a fresh list');

    await page.keyboard.type('i');
    // Prefix matches first (init), then names that contain the text, in list order.
    shown = await items(page);
    assert.deepEqual(shown.map((i) => i.name), ['/init', '/thinking', '/fix-issue', '/mcp__github__pr', '/zz-evil']);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    assert.deepEqual((await items(page)).map((i) => i.selected), [false, false, false, true, false]);
    for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown');
    assert.equal((await items(page))[0].selected, true, 'wraps around');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Tab');
    assert.equal(await page.$eval('textarea.input', (t) => (t as HTMLTextAreaElement).value), '/fix-issue ');
    assert.equal(await page.$('.slash-menu:not(.hidden)'), null, 'closed after completing');
    assert.equal((await posted(page)).filter((m) => m.type === 'send').length, 0, 'completing does not send');

    // The arguments, then Enter: a server command goes out as the task (the server expands it).
    await page.keyboard.type('42');
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'send'), [{ type: 'send', text: '/fix-issue 42', images: [] }]);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('Escape closes the popup; a click picks; a panel command never becomes a run', async () => {
    const page = await panel.open();
    await send(page, { type: 'commands', commands });
    await page.focus('textarea.input');
    await page.keyboard.type('/c');
    assert.deepEqual((await items(page)).map((i) => i.name), ['/compact', '/clear', '/mcp__github__pr']);
    await page.keyboard.press('Escape');
    assert.equal(await page.$('.slash-menu:not(.hidden)'), null);
    await page.keyboard.press('Backspace');
    await page.keyboard.type('cl');
    await page.click('.slash-menu .slash-item');
    assert.equal(await page.$eval('textarea.input', (t) => (t as HTMLTextAreaElement).value), '/clear ');
    await page.keyboard.press('Enter');
    await frame(page);
    const out = await posted(page);
    assert.deepEqual(out.filter((m) => m.type === 'command'), [{ type: 'command', name: 'clear', args: '' }]);
    assert.equal(out.filter((m) => m.type === 'send').length, 0);
    assert.equal(await page.$('.turn.user'), null, 'no user turn for a panel command');
    // With arguments.
    await page.type('textarea.input', '/thinking off');
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'command').at(-1), { type: 'command', name: 'thinking', args: 'off' });
    await send(page, { type: 'notice', message: 'Thinking: off' });
    assert.equal(await page.$eval('.panel-notice', (e) => e.textContent), 'Thinking: off');
    // Text that merely starts with a slash and a space, or a path, is a normal message.
    await page.type('textarea.input', '/usr/bin is missing');
    assert.equal(await page.$('.slash-menu:not(.hidden)'), null);
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'send').at(-1), { type: 'send', text: '/usr/bin is missing', images: [] });
    await page.close();
  });

  it('the Plan toggle sends plan: true; a plan answer offers "Act on this plan", which starts a normal run with the plan', async () => {
    const page = await panel.open();
    const toggle = '.composer .plan-toggle';
    assert.equal(await page.$eval(toggle, (b) => b.getAttribute('aria-pressed')), 'false');
    await page.click(toggle);
    assert.equal(await page.$eval(toggle, (b) => b.getAttribute('aria-pressed')), 'true');
    assert.equal(await page.$eval('.composer', (c) => c.classList.contains('plan-mode')), true);
    await page.type('textarea.input', 'Add a cache to the parser');
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'send'), [{ type: 'send', text: 'Add a cache to the parser', images: [], plan: true }]);

    const plan = '## Plan\n1. Add `cache.ts`.\n2. Use it in `parser.ts`.\n3. Run `npm test`.';
    await startRun(page, 'p1');
    await send(page, { type: 'runEnded', result: { runId: 'p1', status: 'done', text: plan, summary, plan: true } });
    await frame(page);
    const act = await page.$('.act-on-plan');
    assert.ok(act, 'the plan answer has the button');
    assert.equal(await act!.evaluate((b) => b.textContent), 'Act on this plan');
    await act!.click();
    const last = (await posted(page)).filter((m) => m.type === 'send').at(-1)!;
    assert.ok(last.type === 'send');
    assert.equal(last.plan, undefined, 'a normal run');
    assert.match(last.text, /^Act on this plan[\s\S]*Add `cache\.ts`[\s\S]*npm test/);
    assert.equal(await page.$eval(toggle, (b) => b.getAttribute('aria-pressed')), 'false', 'the toggle is off again');

    // A normal (non-plan) answer has no such button.
    await startRun(page, 'n1');
    await send(page, { type: 'runEnded', result: { runId: 'n1', status: 'done', text: 'Done.', summary } });
    await frame(page);
    assert.equal(await page.$$eval('.act-on-plan', (els) => els.length), 1);
    assert.deepEqual(pageErrors(page), []);
    assert.deepEqual(await page.evaluate(() => (window as any).__csp), []);
    await page.close();
  });
});
