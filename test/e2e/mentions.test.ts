// End to end: an @-mention picked from the composer's popup in a real VS Code (code-server, the
// packaged .vsix) reaches the model with the file's content: the popup's items come from the real
// server (swarm/mentions), the send goes webview → extension → swarm/run attachments → server →
// the model simulator's HTTP request. Needs `node scripts/e2e-setup.mjs` first (npm test does it).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { byConversation, lastUserText, startSimulator, type Simulator } from '../support/simulator';
import { installExtension, makeDirs, missingSetup, startCodeServer, writeUserSettings, type CodeServer, type Dirs, ARTIFACTS, QUIET_WORKBENCH, saveFailure, stopAll } from './code-server';
import { openChatView, waitFor, waitForChat } from './workbench';

const MARKER = 'e2e-mention-content-8817';
const TASK = 'Summarise the notes';

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
    sim = await startSimulator({ respond: byConversation({ [TASK]: [{ text: 'The notes say the marker.' }] }) });
    writeUserSettings(dirs, { 'swarmcode.baseUrl': sim.url, 'swarmcode.model': 'sim-model', 'swarmcode.thinking': 'off', 'swarmcode.logLevel': 'debug', ...QUIET_WORKBENCH });
    installExtension(dirs);
    server = await startCodeServer({ dirs, workspace, env: { MOONSHOT_API_KEY: 'e2e-key' } });
    chromium = await launchChromium({ extraArgs: ['--window-size=1400,900'] });
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
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
});
