// End to end: an @-mention picked from the composer's popup in a real VS Code (code-server, the
// packaged .vsix) reaches the model with the file's content: the popup's items come from the real
// server (swarm/mentions), the send goes webview → extension → swarm/run attachments → server →
// the model simulator's HTTP request. Needs `node scripts/e2e-setup.mjs` first (npm test does it).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { LaunchedChromium } from '../support/chromium';
import { byConversation, lastUserText, startSimulator, type Simulator } from '../support/simulator';
import { installExtension, makeDirs, missingSetup, startCodeServer, writeUserSettings, type CodeServer, type Dirs, ARTIFACTS, QUIET_WORKBENCH, saveFailure, stopAll } from './code-server';
import { findChatFrame, openChatView, waitFor, waitForChat, openWorkbench } from './workbench';

const MARKER = 'e2e-mention-content-8817';
const TASK = 'Summarise the notes';
const EDITOR_TASK = 'Explain the open file';
const INSERTED = 'inserted-by-e2e-4471';
const REPLY = ['Here is a heading:', '', '```md README.md', `## ${INSERTED}`, '```'].join('\n');

/** Quick Open (Ctrl+P) → `file`, then select all its text. */
async function openAndSelectAll(page: Page, file: string): Promise<void> {
  await page.keyboard.down('Control');
  await page.keyboard.press('p');
  await page.keyboard.up('Control');
  await page.waitForSelector('.quick-input-widget input', { visible: true, timeout: 30_000 });
  await page.keyboard.type(file);
  await page.waitForFunction((f: string) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent?.includes(f)), { timeout: 30_000 }, file);
  await page.keyboard.press('Enter');
  await page.waitForFunction((f: string) => document.title.startsWith(f), { timeout: 30_000 }, file);
  await page.waitForSelector('.editor-instance .monaco-editor .view-lines', { visible: true, timeout: 30_000 });
  await page.click('.editor-instance .monaco-editor .view-lines');
  await page.keyboard.down('Control');
  await page.keyboard.press('a');
  await page.keyboard.up('Control');
  await page.waitForSelector('.editor-instance .monaco-editor .selected-text', { timeout: 10_000 });
}

describe('e2e: @-mentions in code-server', function () {
  this.timeout(240_000);

  let base = '';
  let dirs: Dirs;
  let sim: Simulator | undefined;
  let server: CodeServer | undefined;
  let chromium: LaunchedChromium | undefined;
  let page: Page | undefined;

  before(async function () {
    const missing = missingSetup();
    if (missing) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    base = mkdtempSync(join(tmpdir(), 'swarmcode-e2e-mentions-'));
    dirs = makeDirs(base);
    const workspace = join(base, 'workspace');
    mkdirSync(join(workspace, 'docs'), { recursive: true });
    writeFileSync(join(workspace, 'docs', 'meeting-notes.md'), `# Notes\n${MARKER}\n`);
    writeFileSync(join(workspace, 'README.md'), '# e2e mentions\n');
    sim = await startSimulator({ respond: byConversation({ [TASK]: [{ text: 'The notes say the marker.' }], [EDITOR_TASK]: [{ text: REPLY }] }) });
    writeUserSettings(dirs, { 'swarmcode.baseUrl': sim.url, 'swarmcode.model': 'sim-model', 'swarmcode.thinking': 'off', 'swarmcode.logLevel': 'debug', ...QUIET_WORKBENCH });
    installExtension(dirs);
    server = await startCodeServer({ dirs, workspace, env: { MOONSHOT_API_KEY: 'e2e-key' } });
    ({ chromium, page } = await openWorkbench(`${server.url}/?folder=${encodeURIComponent(workspace)}`));
  });

  after(async function () {
    this.timeout(60_000);
    await stopAll({ chromium, server, sim, base });
  });

  afterEach(async function () {
    await saveFailure(this.currentTest, 'e2e-mentions-failure.log', page, server, dirs);
  });

  it('@ lists workspace files from the server; the picked file reaches the model in the user turn', async function () {
    const p = page!;
    let frame = await openChatView(p, 120_000);
    const input = (await frame.waitForSelector('textarea.input', { timeout: 30_000 }))!;
    await input.click();
    await input.type(`${TASK} @meetnot`);
    // The server's fuzzy match (swarm/mentions) fills the popup.
    frame = await waitForChat(p, () => [...document.querySelectorAll('.mention-menu:not(.hidden) .mention-item.selected')].some((e) => e.textContent?.includes('meeting-notes.md')), 60_000);
    await (await frame.$('textarea.input'))!.press('Enter');
    const value = await frame.$eval('textarea.input', (t) => (t as HTMLTextAreaElement).value);
    assert.equal(value, `${TASK} @docs/meeting-notes.md `);
    await (await frame.$('textarea.input'))!.press('Enter');
    await waitForChat(p, () => document.body.innerText.includes('The notes say the marker.'), 90_000);
    await waitFor(() => sim!.requests.some((r) => lastUserText(r.body).includes(TASK)), 10_000, 'the model request');
    const user = lastUserText(sim!.requests.find((r) => lastUserText(r.body).includes(TASK))!.body);
    assert.ok(user.startsWith(`${TASK} @docs/meeting-notes.md`), user);
    assert.match(user, new RegExp(`@docs/meeting-notes\\.md \\(file, 2 lines\\)\\n\`\`\`markdown\\n# Notes\\n${MARKER}\\n\`\`\``));
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-mentions.png') });
  });

  it('the editor chip sends the active file and selection; Insert puts a code block at the cursor', async function () {
    const p = page!;
    await openAndSelectAll(p, 'README.md');
    let frame = await findChatFrame(p, 30_000);
    frame = await waitForChat(p, () => [...document.querySelectorAll('.context-chips .chip-editor')].some((c) => c.textContent?.includes('README.md:1')), 30_000);
    await (await frame.waitForSelector('button.new-chat'))!.click();
    const input = (await frame.waitForSelector('textarea.input', { timeout: 30_000 }))!;
    await input.click();
    await input.type(EDITOR_TASK);
    await input.press('Enter');
    frame = await waitForChat(p, (t: string) => document.body.innerText.includes(t), 90_000, INSERTED);
    const user = lastUserText(sim!.requests.find((r) => lastUserText(r.body).includes(EDITOR_TASK))!.body);
    assert.match(user, /@README\.md \(file, 1 lines\)\n```markdown\n# e2e mentions\n```/);
    assert.match(user, /@selection \(README\.md:1-1\)\n```markdown\n# e2e mentions\n/);
    // Insert: the block replaces the editor's selection (the whole file).
    // The panel renders the answer again when the run finishes: a block found just before that is
    // detached by then, so find it again (the click itself happens once, on a block in the page).
    for (let attempt = 1; ; attempt++) {
      try {
        const pre = (await frame.waitForSelector('.turn.assistant pre[data-path="README.md"]'))!;
        await pre.hover();
        const insert = await pre.$('.code-insert');
        if (!insert) throw new Error('the code block was detached before its Insert button was found');
        await insert.click();
        break;
      } catch (err) {
        if (attempt >= 5 || !/detached/i.test((err as Error).message)) throw err;
      }
    }
    await p.waitForFunction((t: string) => (document.querySelector('.editor-instance .monaco-editor .view-lines') as HTMLElement | null)?.innerText.includes(t), { timeout: 30_000 }, INSERTED);
    const lines = await p.$eval('.editor-instance .monaco-editor .view-lines', (e) => (e as HTMLElement).innerText);
    assert.doesNotMatch(lines, /e2e mentions/, 'the selection was replaced');
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-mentions-editor.png') });
  });
});
