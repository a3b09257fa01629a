// End to end (issue 14): a two-folder .code-workspace in code-server. The extension hands both
// folders to the server (LSP workspaceFolders); the model sees both in its prompt, a grep finds
// matches in both with folder-prefixed paths, and an edit lands in the second folder. The packaged
// .vsix in a real VS Code (code-server), driven through Chromium, against the HTTP model simulator.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { byConversation, startSimulator, type Simulator } from '../support/simulator';
import { installExtension, makeDirs, missingSetup, startCodeServer, writeUserSettings, type CodeServer, type Dirs, ARTIFACTS, QUIET_WORKBENCH, saveFailure, stopAll } from './code-server';
import { openChatView, sendMessage, waitFor, waitForChat } from './workbench';

const TASK = 'Touch both folders e2e-multiroot';
const DONE = 'Edited the web folder: e2e-multiroot-done-3317';

describe('e2e: multi-root workspace in code-server', function () {
  this.timeout(240_000);

  let base = '';
  let dirs: Dirs;
  let sim: Simulator | undefined;
  let server: CodeServer | undefined;
  let chromium: LaunchedChromium | undefined;
  let page: Page | undefined;
  let file = '';

  before(async function () {
    const missing = missingSetup();
    if (missing) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    base = mkdtempSync(join(tmpdir(), 'swarmcode-e2e-multiroot-'));
    dirs = makeDirs(base);
    for (const d of ['api', 'web']) mkdirSync(join(base, d));
    writeFileSync(join(base, 'api', 'alpha.ts'), 'export const alpha = 1; // needle-e2e-5120\n');
    writeFileSync(join(base, 'web', 'beta.ts'), 'export const beta = 2; // needle-e2e-5120\n');
    file = join(base, 'two.code-workspace');
    writeFileSync(file, JSON.stringify({ folders: [{ path: 'api' }, { path: 'web' }] }));
    sim = await startSimulator({
      respond: byConversation({
        [TASK]: [
          { toolCalls: [{ name: 'grep', arguments: { pattern: 'needle-e2e-5120' } }] },
          { toolCalls: [{ name: 'edit_file', arguments: { path: 'web/beta.ts', old_string: 'beta = 2', new_string: 'beta = 20' } }] },
          { text: DONE },
        ],
      }),
      latency: { ttftMs: 50, tokensPerSec: 400 },
    });
    writeUserSettings(dirs, {
      'swarmcode.baseUrl': sim.url,
      'swarmcode.model': 'sim-model',
      'swarmcode.thinking': 'off',
      'swarmcode.logLevel': 'debug',
      ...QUIET_WORKBENCH,
      'workbench.enableExperiments': false,
    });
    installExtension(dirs);
    server = await startCodeServer({ dirs, workspace: file, env: { MOONSHOT_API_KEY: 'e2e-dummy-key-123' } });
    chromium = await launchChromium({ extraArgs: ['--window-size=1400,900'] });
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
  });

  after(async function () {
    this.timeout(60_000);
    await stopAll({ chromium, server, sim, base });
  });

  afterEach(async function () {
    await saveFailure(this.currentTest, 'e2e-multiroot-failure.log', page, server, dirs);
  });

  it('works over both folders: the prompt names both, grep finds both, the edit lands in the second', async function () {
    const p = page!;
    await p.goto(`${server!.url}/?workspace=${encodeURIComponent(file)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await p.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    const frame = await openChatView(p, 120_000);
    await sendMessage(p, frame, TASK);
    await waitForChat(p, (d: string) => document.body.innerText.includes(d) && !!document.querySelector('.run-status.done'), 90_000, DONE);

    const first = sim!.requests.find((r) => JSON.stringify(r.body.messages).includes(TASK));
    assert.ok(first, 'the model got the task');
    const system = JSON.stringify(first.body.messages[0]);
    assert.match(system, /Workspace folders/);
    assert.match(system, /api\/ →/);
    assert.match(system, /web\/ →/);
    await waitFor(() => sim!.requests.some((r) => r.body.messages.some((m) => m.role === 'tool')), 10_000, 'a tool result reached the model');
    const grepResult = JSON.stringify(sim!.requests.find((r) => r.body.messages.some((m) => m.role === 'tool'))!.body.messages.filter((m) => m.role === 'tool'));
    assert.match(grepResult, /api\/alpha\.ts/);
    assert.match(grepResult, /web\/beta\.ts/);
    assert.equal(readFileSync(join(base, 'web', 'beta.ts'), 'utf8'), 'export const beta = 20; // needle-e2e-5120\n');
    assert.equal(readFileSync(join(base, 'api', 'alpha.ts'), 'utf8'), 'export const alpha = 1; // needle-e2e-5120\n');
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-multiroot.png') });
  });
});
