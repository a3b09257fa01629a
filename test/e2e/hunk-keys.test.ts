// End to end (issue 14): hunk review from the keyboard. A chat run edits two distant places of a
// file; the file is opened, the CodeLens shows Accept / Reject above each pending hunk, and with
// the cursor in a hunk Ctrl+Alt+Enter accepts it and Ctrl+Alt+Backspace rejects the other (the
// keybindings in package.json, commands in src/review/lens.ts). The file's bytes on disk are
// checked: the accepted change stays, the rejected lines are back byte for byte (CRLF kept).
// The packaged .vsix in code-server, driven through Chromium, against the HTTP model simulator.
// Screenshot in test-artifacts/e2e-hunk-keys.png. Needs `node scripts/e2e-setup.mjs` first.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { LaunchedChromium } from '../support/chromium';
import { byConversation, startSimulator, type Simulator } from '../support/simulator';
import { installExtension, makeDirs, missingSetup, startCodeServer, writeUserSettings, type CodeServer, type Dirs, ARTIFACTS, QUIET_WORKBENCH, saveFailure, stopAll } from './code-server';
import { openChatView, sendMessage, waitForChat, openWorkbench } from './workbench';

const TASK = 'Rename the two constants e2e-hunks-7310';
const DONE = 'Renamed both: e2e-hunks-done-4482';
const LINES = Array.from({ length: 30 }, (_, i) => `export const value${i + 1} = ${i + 1};`);
const ORIGINAL = `${LINES.join('\r\n')}\r\n`;
const FIRST = { from: 'export const value3 = 3;', to: 'export const third = 3;' };
const SECOND = { from: 'export const value25 = 25;', to: 'export const twentyFifth = 25;' };

async function chord(page: Page, key: 'Enter' | 'Backspace'): Promise<void> {
  await page.keyboard.down('Control');
  await page.keyboard.down('Alt');
  await page.keyboard.press(key);
  await page.keyboard.up('Alt');
  await page.keyboard.up('Control');
}

/** Ctrl+G, the line number, Enter: the cursor goes to that line of the active editor. */
async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.down('Control');
  await page.keyboard.press('g');
  await page.keyboard.up('Control');
  await page.waitForSelector('.quick-input-widget input', { visible: true, timeout: 30_000 });
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.waitForFunction((l: number) => [...document.querySelectorAll('.statusbar-item')].some((s) => new RegExp(`Ln ${l},`).test(s.textContent ?? '')), { timeout: 10_000 }, line);
}

const lenses = (page: Page) => page.$$eval('.monaco-editor .codelens-decoration', (els) => els.map((e) => e.textContent ?? '').filter((t) => /Accept hunk|Reject hunk/.test(t)));

async function waitForBytes(file: string, want: string, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (readFileSync(file, 'utf8') !== want) {
    if (Date.now() > deadline) throw new Error(`${what}: the file holds ${JSON.stringify(readFileSync(file, 'utf8'))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('e2e: hunk review from the keyboard in code-server', function () {
  this.timeout(300_000);

  let base = '';
  let workspace = '';
  let dirs: Dirs;
  let sim: Simulator | undefined;
  let server: CodeServer | undefined;
  let chromium: LaunchedChromium | undefined;
  let page: Page | undefined;

  before(async function () {
    const missing = missingSetup();
    if (missing) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    base = mkdtempSync(join(tmpdir(), 'swarmcode-e2e-hunks-'));
    dirs = makeDirs(base);
    workspace = join(base, 'workspace');
    mkdirSync(join(workspace, 'src'), { recursive: true });
    writeFileSync(join(workspace, 'src', 'consts.ts'), ORIGINAL);
    sim = await startSimulator({
      respond: byConversation({
        [TASK]: [
          { toolCalls: [{ name: 'read_file', arguments: { path: 'src/consts.ts' } }] },
          { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/consts.ts', old_string: FIRST.from, new_string: FIRST.to } }] },
          { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/consts.ts', old_string: SECOND.from, new_string: SECOND.to } }] },
          { text: DONE },
        ],
      }),
      latency: { ttftMs: 50, tokensPerSec: 400 },
    });
    writeUserSettings(dirs, { 'swarmcode.baseUrl': sim.url, 'swarmcode.model': 'sim-model', 'swarmcode.thinking': 'off', 'swarmcode.logLevel': 'debug', ...QUIET_WORKBENCH });
    installExtension(dirs);
    server = await startCodeServer({ dirs, workspace, env: { SWARMCODE_JOURNAL_DIR: join(base, 'journals') } });
    ({ chromium, page } = await openWorkbench(`${server.url}/?folder=${encodeURIComponent(workspace)}`));
    await page.waitForSelector('.activitybar [aria-label^="SwarmCode"]', { timeout: 90_000 });
  });

  after(async function () {
    this.timeout(60_000);
    await stopAll({ chromium, server, sim, base });
  });

  afterEach(async function () {
    await saveFailure(this.currentTest, 'e2e-hunk-keys-failure.log', page, server, dirs);
  });

  it('accepts one hunk and rejects another with the keys; the file bytes are checked', async function () {
    const p = page!;
    const file = join(workspace, 'src', 'consts.ts');
    const frame = await openChatView(p, 90_000);
    await sendMessage(p, frame, TASK);
    await waitForChat(p, (t: string) => document.body.innerText.includes(t), 90_000, DONE);
    const edited = ORIGINAL.replace(FIRST.from, FIRST.to).replace(SECOND.from, SECOND.to);
    await waitForBytes(file, edited, 'the run edited both places');

    // Open the file (Quick Open) and wait for the two hunks' lenses.
    await p.keyboard.down('Control');
    await p.keyboard.press('p');
    await p.keyboard.up('Control');
    await p.waitForSelector('.quick-input-widget input', { visible: true, timeout: 30_000 });
    await p.keyboard.type('consts.ts');
    await p.waitForFunction(() => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent?.includes('consts.ts')), { timeout: 30_000 });
    await p.keyboard.press('Enter');
    await p.waitForSelector('.editor-instance .monaco-editor .view-lines', { visible: true, timeout: 30_000 });
    await p.waitForFunction(() => document.querySelectorAll('.monaco-editor .codelens-decoration a').length >= 4, { timeout: 60_000, polling: 250 });
    assert.equal((await lenses(p)).length, 2, `one Accept/Reject lens row per hunk: ${(await lenses(p)).join(' | ')}`);
    await p.click('.editor-instance .monaco-editor .view-lines');

    // Cursor in the first hunk, Ctrl+Alt+Enter: accepted (its lens goes, the text stays).
    await goToLine(p, 3);
    await chord(p, 'Enter');
    await p.waitForFunction(() => document.querySelectorAll('.monaco-editor .codelens-decoration a').length === 2, { timeout: 30_000, polling: 250 });
    assert.equal(readFileSync(file, 'utf8'), edited, 'accepting changes no byte');

    // Cursor in the second hunk, Ctrl+Alt+Backspace: rejected, its lines back as they were.
    await goToLine(p, 25);
    await chord(p, 'Backspace');
    await waitForBytes(file, ORIGINAL.replace(FIRST.from, FIRST.to), 'the rejected hunk is back, the accepted one kept');
    assert.ok(readFileSync(file).includes(Buffer.from('export const value25 = 25;\r\n')), 'CRLF kept on the restored line');
    await p.waitForFunction(() => document.querySelectorAll('.monaco-editor .codelens-decoration a').length === 0, { timeout: 30_000, polling: 250 });
    await new Promise((r) => setTimeout(r, 300));
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-hunk-keys.png') });
  });
});
