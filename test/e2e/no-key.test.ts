// End to end: with Moonshot's default endpoint, no API key and no local GGUF, the chat sends the
// message anyway (the server decides: embedded engine when a GGUF is configured, else it fails
// the run with set-up instructions); the panel shows the server's message and VS Code offers
// "Set API Key", which opens the key input. Needs `node scripts/e2e-setup.mjs` first.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { LaunchedChromium } from '../support/chromium';
import { installExtension, makeDirs, missingSetup, outputChannelLogs, startCodeServer, writeUserSettings, type CodeServer, type Dirs, ARTIFACTS, QUIET_WORKBENCH, saveFailure, stopAll } from './code-server';
import { chatText, openChatView, sendMessage, waitForChat, openWorkbench } from './workbench';

const TASK = 'Hello without a key e2e-nokey-3318';

describe('e2e: no API key and no local model', function () {
  this.timeout(240_000);

  let base = '';
  let dirs: Dirs;
  let server: CodeServer | undefined;
  let chromium: LaunchedChromium | undefined;
  let page: Page | undefined;

  before(async function () {
    const missing = missingSetup();
    if (missing) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    base = mkdtempSync(join(tmpdir(), 'swarmcode-e2e-nokey-'));
    dirs = makeDirs(base);
    const workspace = join(base, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'README.md'), '# no key\n');
    writeUserSettings(dirs, {
      // swarmcode.baseUrl left at Moonshot's default.
      'swarmcode.logLevel': 'debug',
      ...QUIET_WORKBENCH,
    });
    installExtension(dirs);
    // Empty values: no key, no GGUF (HOME is a fresh folder, so ~/.cache/swarmcode/models is empty too).
    server = await startCodeServer({ dirs, workspace, env: { MOONSHOT_API_KEY: '', SWARMCODE_MODEL_PATH: '' } });
    ({ chromium, page } = await openWorkbench(`${server.url}/?folder=${encodeURIComponent(workspace)}`));
  });

  after(async function () {
    this.timeout(60_000);
    await stopAll({ chromium, server, base });
  });

  afterEach(async function () {
    await saveFailure(this.currentTest, 'e2e-no-key-failure.log', page, server, dirs);
  });

  it('sends to the server, shows its set-up message and offers Set API Key', async function () {
    const p = page!;
    let frame = await openChatView(p, 120_000);
    await sendMessage(p, frame, TASK);
    // The run reached the server (not refused by the extension): its message says how to configure a model.
    frame = await waitForChat(p, () => document.body.innerText.includes('No model is configured'), 60_000);
    const text = await chatText(p);
    assert.match(text, /swarmcode\.localModelPath/);
    assert.ok(text.includes(TASK), 'the message is in the transcript');
    assert.match(outputChannelLogs(dirs, 'SwarmCode'), /run \S+ ended: failed \(No model is configured/);
    // The notification's "Set API Key" button opens the password input.
    const clicked = await p.waitForFunction(
      () => {
        const btn = [...document.querySelectorAll<HTMLElement>('.notification-toast .monaco-button')].find((b) => b.textContent?.trim() === 'Set API Key');
        btn?.click();
        return !!btn;
      },
      { timeout: 30_000, polling: 250 },
    );
    assert.ok(clicked);
    await p.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.type === 'password', { timeout: 30_000 });
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-no-key.png') });
  });
});
