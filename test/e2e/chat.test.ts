// End to end: the packaged .vsix installed into a real VS Code (code-server), driven through
// Chromium. Open the SwarmCode view, send a message from the webview's composer, and see the
// model simulator's streamed markdown reply rendered in the panel. Screenshot kept in
// test-artifacts/e2e-chat.png. Needs `node scripts/e2e-setup.mjs` first (npm test does it).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { encodePng } from '../../server/visual';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { byConversation, startSimulator, type Simulator } from '../support/simulator';
import {
  installExtension,
  makeDirs,
  missingSetup,
  outputChannelLogs,
  startCodeServer,
  writeUserSettings,
  type CodeServer,
  type Dirs,
  ARTIFACTS,
  QUIET_WORKBENCH,
  saveFailure,
  stopAll,
} from './code-server';
import { chatText, findChatFrame, openChatView, runCommand, sendMessage, waitFor, waitForChat } from './workbench';

const API_KEY = 'e2e-dummy-key-123';
const MARKER = 'e2e-marker-7391';
const REPLY = [
  '## Swarm report',
  '',
  `The **${MARKER}** check passed, streamed from the simulator.`,
  '',
  '- first finding',
  '- second finding',
  '',
  '```ts',
  'const swarm = "ok";',
  '```',
  '',
  'See [the readme](README.md#L1).',
].join('\n');
const TASK = 'Give me the swarm report';
const APPROVAL_TASK = 'Run the approval check';
const COMMAND = 'echo e2e-approved-42';
const GREP_TASK = 'Find the workspace title';
const LIVE_TASK = 'Which model answers now';
const STOP_TASK = 'Write a very long essay';
const STOP_TAIL = 'the-end-never-reached';
const NEW_KEY = 'e2e-rotated-key-456';
const COMPONENT_MARKER = 'e2e-component-5150';
const COMPONENT_HTML = `<!doctype html><html><head><style>html,body{margin:0;background:#e01010}</style></head><body><!-- ${COMPONENT_MARKER} --></body></html>`;

describe('e2e: SwarmCode in code-server', function () {
  this.timeout(240_000);

  let base = '';
  let dirs: Dirs;
  let sim: Simulator | undefined;
  let server: CodeServer | undefined;
  let chromium: LaunchedChromium | undefined;
  let page: Page | undefined;
  let settings: Record<string, unknown> = {};

  before(async function () {
    const missing = missingSetup();
    if (missing) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    base = mkdtempSync(join(tmpdir(), 'swarmcode-e2e-'));
    dirs = makeDirs(base);
    const workspace = join(base, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'README.md'), '# e2e workspace\n');

    sim = await startSimulator({
      // Checked per request by the test (the key changes during the run).
      respond: byConversation({
        [TASK]: [{ reasoning: 'The user wants the report; no tools needed.', text: REPLY, chunkChars: 6 }],
        [APPROVAL_TASK]: [
          { toolCalls: [{ name: 'run_command', arguments: { command: COMMAND } }] },
          { text: 'The approved command ran and printed its marker.' },
        ],
        [STOP_TASK]: [{ text: `${'A long essay sentence. '.repeat(400)}${STOP_TAIL}`, chunkChars: 4, latency: { ttftMs: 100, tokensPerSec: 20 } }],
        [LIVE_TASK]: [{ text: 'Answered by the reconfigured model.' }],
        // The screenshot-to-component loop (server/visual/loop.ts): every round answers the same page.
        'Reproduce this design': Array.from({ length: 6 }, () => ({ text: `\`\`\`html\n${COMPONENT_HTML}\n\`\`\`` })),
        [GREP_TASK]: [
          { toolCalls: [{ name: 'grep', arguments: { pattern: 'e2e workspace' } }] },
          { text: 'Found it with ripgrep.' },
        ],
      }),
      latency: { ttftMs: 300, tokensPerSec: 200 },
    });
    settings = {
      'swarmcode.baseUrl': sim.url,
      'swarmcode.model': 'sim-model',
      'swarmcode.thinking': 'off',
      'swarmcode.commandApproval': 'ask',
      'swarmcode.logLevel': 'debug',
      ...QUIET_WORKBENCH,
      'workbench.enableExperiments': false,
    };
    writeUserSettings(dirs, settings);
    installExtension(dirs);
    // The key reaches the extension as MOONSHOT_API_KEY (its fallback when SecretStorage is empty).
    server = await startCodeServer({ dirs, workspace, env: { MOONSHOT_API_KEY: API_KEY } });
    chromium = await launchChromium({ extraArgs: ['--window-size=1400,900'] });
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
  });

  after(async function () {
    this.timeout(60_000);
    await stopAll({ chromium, server, sim, base });
  });

  afterEach(async function () {
    await saveFailure(this.currentTest, 'e2e-chat-failure.log', page, server, dirs);
  });

  it('opens the SwarmCode view, sends a message and renders the streamed reply', async function () {
    const p = page!;
    await p.goto(`${server!.url}/?folder=${encodeURIComponent(join(base, 'workspace'))}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await p.waitForSelector('.monaco-workbench', { timeout: 90_000 });

    // The activity bar entry contributed by package.json (viewsContainers.activitybar).
    let frame = await openChatView(p, 120_000);
    await sendMessage(p, frame, TASK);

    // The reply streams in as markdown: heading, bold marker, list, code block.
    frame = await waitForChat(
      p,
      (marker: string) => {
        const strong = [...document.querySelectorAll('strong')].some((s) => s.textContent === marker);
        const heading = [...document.querySelectorAll('h1,h2,h3')].some((h) => h.textContent?.includes('Swarm report'));
        const items = document.querySelectorAll('li').length >= 2;
        const code = [...document.querySelectorAll('pre code')].some((c) => c.textContent?.includes('const swarm'));
        return strong && heading && items && code;
      },
      90_000,
      MARKER,
    );
    // The user's message is shown too.
    const text = await chatText(p);
    assert.ok(text.includes(TASK), 'the user message is in the transcript');

    // The request reached the model with the key from the extension and the typed task.
    const req = sim!.requests.find((r) => JSON.stringify(r.body.messages).includes(TASK));
    assert.ok(req, 'the simulator received the task');
    assert.equal(req.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(req.body.model, 'sim-model');

    await new Promise((r) => setTimeout(r, 500)); // let the last frame paint
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-chat.png') });
  });

  it('opens a workspace file from a relative link in the reply, and the workbench stays responsive', async function () {
    const p = page!;
    let frame = await findChatFrame(p, 30_000);
    const link = await frame.waitForSelector('.md a[href="README.md#L1"]', { timeout: 10_000 });
    const before = (await chromium!.browser.pages()).length;
    await link!.click();
    // The editor opens README.md (our openFile), and nothing else: no extra page or tab from VS Code's own link handler.
    await p.waitForSelector('.tabs-container .tab[aria-label*="README.md"]', { timeout: 30_000 });
    const pages = await chromium!.browser.pages();
    assert.equal(pages.length, before, `no page was opened for the link: ${pages.map((x) => x.url()).join(', ')}`);
    // Both the workbench and the chat frame still answer.
    assert.equal(await p.evaluate(() => document.querySelectorAll('.monaco-workbench').length), 1);
    await findChatFrame(p, 30_000);
    assert.ok((await chatText(p)).includes(TASK));
  });

  it('asks before running a command (swarm/approval) and runs it once approved', async function () {
    const p = page!;
    let frame = await findChatFrame(p, 30_000);
    await (await frame.waitForSelector('button.new-chat'))!.click();
    frame = await waitForChat(p, () => !document.body.innerText.includes('Swarm report'), 30_000);
    await sendMessage(p, frame, APPROVAL_TASK);

    // The question waits in the chat panel's approval queue (no modal dialog).
    frame = await waitForChat(p, () => !!document.querySelector('.approvals:not(.hidden) .approval'), 60_000);
    const queued = await chatText(p);
    assert.ok(queued.includes(COMMAND), `the queue shows the command: ${queued.slice(-800)}`);
    await (await frame.waitForSelector('.approval button.approve-once'))!.click();

    frame = await findChatFrame(p, 30_000);
    frame = await waitForChat(p, () => document.body.innerText.includes('The approved command ran'), 60_000);
    // The command really ran: its output went back to the model as the tool result.
    const second = sim!.requests.find((r) => JSON.stringify(r.body.messages).includes(APPROVAL_TASK) && r.body.messages.some((m) => m.role === 'tool'));
    assert.ok(second, 'the model got the tool result');
    const toolMessage = second.body.messages.find((m) => m.role === 'tool');
    assert.match(JSON.stringify(toolMessage), /e2e-approved-42/);
    assert.ok(await frame.$('.tool-card[data-tool="run_command"]'), 'a run_command tool card is shown');
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-approval.png') });
  });

  it('greps the workspace with the ripgrep shipped inside the .vsix', async function () {
    const p = page!;
    let frame = await findChatFrame(p, 30_000);
    await (await frame.waitForSelector('button.new-chat'))!.click();
    frame = await waitForChat(p, () => !document.body.innerText.includes('The approved command ran'), 30_000);
    await sendMessage(p, frame, GREP_TASK);
    frame = await waitForChat(p, () => document.body.innerText.includes('Found it with ripgrep'), 60_000);
    const followUp = sim!.requests.find((r) => JSON.stringify(r.body.messages).includes(GREP_TASK) && r.body.messages.some((m) => m.role === 'tool'));
    assert.ok(followUp, 'the model got the grep result');
    const result = JSON.stringify(followUp.body.messages.find((m) => m.role === 'tool'));
    assert.match(result, /README\.md/, `grep found the file: ${result}`);
    assert.ok(await frame.$('.tool-card[data-tool="grep"]'), 'a grep tool card is shown');
  });

  it('stops a streaming run with the stop button (cancellation reaches the model request)', async function () {
    const p = page!;
    let frame = await findChatFrame(p, 30_000);
    await (await frame.waitForSelector('button.new-chat'))!.click();
    await sendMessage(p, frame, STOP_TASK);
    frame = await waitForChat(p, () => document.body.innerText.includes('A long essay sentence.'), 60_000);
    const req = sim!.requests.find((r) => JSON.stringify(r.body.messages).includes(STOP_TASK));
    assert.ok(req, 'the request is streaming');
    await (await frame.waitForSelector('button.stop:not(.hidden)', { timeout: 10_000 }))!.click();
    // The HTTP stream to the model is abandoned, the panel says the run stopped.
    const outcome = await Promise.race([req.finished, new Promise((r) => setTimeout(() => r('still streaming'), 30_000))]);
    assert.equal(outcome, 'disconnected');
    frame = await waitForChat(p, () => document.body.innerText.includes('Stopped'), 30_000);
    const text = await chatText(p);
    assert.ok(!text.includes(STOP_TAIL), 'the reply was cut short');
    assert.ok(await frame.$('button.stop.hidden'), 'the stop button is hidden again');
  });

  it('applies changed settings and a new API key (SwarmCode: Set API Key) without a restart', async function () {
    const p = page!;
    // Change swarmcode.model in the Settings editor, as a user would.
    await p.click('.part.editor');
    await runCommand(p, 'Preferences: Open User Settings', 'Open User Settings');
    await p.waitForSelector('.settings-editor .settings-header .suggest-input-container textarea, .settings-editor .settings-header input', { timeout: 30_000 });
    await p.keyboard.type('swarmcode.model');
    // Wait for the filtered list: exactly our setting, then edit its input box.
    const modelInput = await p.waitForFunction(
      () => {
        const items = [...document.querySelectorAll('.settings-editor .setting-item-contents')].filter((e) => e.textContent?.includes('Model id sent to the endpoint'));
        // Filtered: only settings with "Model" in them are left (swarmcode.model, swarmcode.localModelPath).
        const all = [...document.querySelectorAll('.settings-editor .setting-item-contents')];
        return items.length === 1 && all.every((e) => /model/i.test(e.textContent ?? '')) ? items[0]!.querySelector('input') : null;
      },
      { timeout: 30_000, polling: 250 },
    );
    await (modelInput.asElement() as ElementHandle<HTMLInputElement>).click({ count: 3 });
    await p.keyboard.type('sim-model-2');
    await p.keyboard.press('Tab');
    // The extension logs each settings change it forwards to the server.
    await waitFor(() => outputChannelLogs(dirs, 'SwarmCode').includes('"model":"sim-model-2"'), 30_000, 'the settings change reached the extension');

    // Close the settings overlay (first Escape leaves the input, the next ones close it).
    for (let i = 0; i < 3 && (await p.$('.settings-editor')); i++) {
      await p.keyboard.press('Escape');
      await new Promise((r) => setTimeout(r, 300));
    }

    // The command palette → the password input box → SecretStorage.
    await runCommand(p, 'SwarmCode: Set API Key', 'Set API Key');
    await p.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.type === 'password', { timeout: 30_000 });
    await p.keyboard.type(NEW_KEY);
    await p.keyboard.press('Enter');
    await waitFor(() => outputChannelLogs(dirs, 'SwarmCode').includes('API key stored'), 30_000, 'the key was stored');

    let frame = await findChatFrame(p, 30_000);
    await (await frame.waitForSelector('button.new-chat'))!.click();
    await sendMessage(p, frame, LIVE_TASK);
    frame = await waitForChat(p, () => document.body.innerText.includes('Answered by the reconfigured model'), 60_000);
    const req = sim!.requests.find((r) => JSON.stringify(r.body.messages).includes(LIVE_TASK));
    assert.ok(req);
    assert.equal(req.body.model, 'sim-model-2');
    assert.equal(req.headers.authorization, `Bearer ${NEW_KEY}`);
    // The key is never written to the output channel.
    const logs = outputChannelLogs(dirs, 'SwarmCode');
    assert.ok(!logs.includes(NEW_KEY) && !logs.includes(API_KEY), 'no API key in the SwarmCode log');
    // The server's own log (window/logMessage) lands in the same channel.
    assert.match(logs, /SwarmCode server ready/);
  });

  it('keeps conversations across a reload and reopens an earlier one from the history', async function () {
    const p = page!;
    await p.reload({ waitUntil: 'domcontentloaded', timeout: 60_000 });
    await p.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // Restored as the open container, or opened again from the activity bar.
    let frame = await openChatView(p, 90_000);
    // The current conversation (the last one) comes back from workspaceState.
    frame = await waitForChat(p, (t: string) => document.body.innerText.includes(t), 30_000, LIVE_TASK);

    await (await frame.waitForSelector('button.history-toggle'))!.click();
    // Find and click the row in one step: the list re-renders when the refreshed list arrives.
    frame = await waitForChat(
      p,
      (t: string) => {
        const row = [...document.querySelectorAll<HTMLElement>('.history-item')].find((r) => r.innerText.includes(t));
        row?.click();
        return !!row;
      },
      30_000,
      TASK,
    );
    frame = await waitForChat(
      p,
      (marker: string) =>
        [...document.querySelectorAll('strong')].some((s) => s.textContent === marker) && !document.body.innerText.includes('Answered by the reconfigured model'),
      30_000,
      MARKER,
    );
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-history.png') });
  });

  it('"→ Component" on an image pasted into the chat runs screenshot to component with that image', async function () {
    const p = page!;
    let frame = await findChatFrame(p, 60_000);
    const w = 64;
    const h = 48;
    const png = encodePng({ width: w, height: h, data: new Uint8Array(w * h * 4).map((_, i) => [224, 16, 16, 255][i % 4]) }).toString('base64');
    await frame.evaluate((b64: string) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'red-card.png', { type: 'image/png' }));
      document.querySelector('textarea.input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, png);
    await (await frame.waitForSelector('.thumbs .thumb-component', { timeout: 10_000 }))!.click();
    // The target-kind quick pick, then the save dialog (code-server's simple dialog, prefilled with red-card.html).
    await p.waitForFunction(() => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent?.includes('HTML + CSS')), { timeout: 30_000 });
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith('red-card.html'), { timeout: 30_000 });
    await p.keyboard.press('Enter');
    // The preview panel opens and the model gets the pasted image.
    await p.waitForSelector('.tabs-container .tab[aria-label*="Screenshot → red-card.html"]', { timeout: 30_000 });
    await waitFor(() => sim!.requests.some((r) => JSON.stringify(r.body.messages).includes(png)), 60_000, 'the visual loop sent the pasted image to the model');
    // The loop ends with the best version written to the chosen path.
    const out = join(base, 'workspace', 'red-card.html');
    await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes(COMPONENT_MARKER), 120_000, 'red-card.html was written');
    await new Promise((r) => setTimeout(r, 1000));
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-component.png') });
  });
});
