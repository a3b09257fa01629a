// End to end (issue 14): two conversations run at once in code-server. The first run's model turn
// is held by the simulator until the test releases it, so the second conversation is started, runs
// and finishes while the first is still going; the history list shows each one's state, and each
// conversation ends with its own answer. The packaged .vsix in a real VS Code (code-server),
// driven through Chromium, against the HTTP model simulator. Needs `node scripts/e2e-setup.mjs`.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { byConversation, startSimulator, type Simulator } from '../support/simulator';
import { installExtension, makeDirs, missingSetup, startCodeServer, writeUserSettings, type CodeServer, type Dirs, ARTIFACTS, QUIET_WORKBENCH, saveFailure, stopAll } from './code-server';
import { chatEval, findChatFrame, openChatView, sendMessage, waitFor, waitForChat } from './workbench';

const TASK_A = 'First conversation e2e-concurrent-a';
const TASK_B = 'Second conversation e2e-concurrent-b';
const ANSWER_A = 'Answer for the first: e2e-answer-a-4411';
const ANSWER_B = 'Answer for the second: e2e-answer-b-7723';

/** The history rows as the panel shows them: title and state. */
function historyRows(page: Page): Promise<{ title: string; status: string }[] | undefined> {
  return chatEval(page, () => [...document.querySelectorAll('.history-item')].map((r) => ({
    title: r.querySelector('.history-title')?.textContent ?? '',
    status: r.querySelector('.history-status')?.textContent ?? '',
  })));
}

describe('e2e: concurrent conversations in code-server', function () {
  this.timeout(240_000);

  let base = '';
  let dirs: Dirs;
  let sim: Simulator | undefined;
  let server: CodeServer | undefined;
  let chromium: LaunchedChromium | undefined;
  let page: Page | undefined;
  let releaseA: () => void = () => undefined;
  const heldA = new Promise<void>((resolve) => (releaseA = resolve));

  before(async function () {
    const missing = missingSetup();
    if (missing) throw new Error(missing);
    mkdirSync(ARTIFACTS, { recursive: true });
    base = mkdtempSync(join(tmpdir(), 'swarmcode-e2e-concurrent-'));
    dirs = makeDirs(base);
    const workspace = join(base, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'README.md'), '# e2e concurrent workspace\n');
    sim = await startSimulator({
      respond: byConversation({
        // Held until released: the first run is still going while the second starts and ends.
        [TASK_A]: async () => {
          await heldA;
          return { text: ANSWER_A, chunkChars: 8 };
        },
        [TASK_B]: [{ text: ANSWER_B, chunkChars: 8 }],
      }),
      latency: { ttftMs: 100, tokensPerSec: 400 },
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
    server = await startCodeServer({ dirs, workspace, env: { MOONSHOT_API_KEY: 'e2e-dummy-key-123' } });
    chromium = await launchChromium({ extraArgs: ['--window-size=1400,900'] });
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
  });

  after(async function () {
    this.timeout(60_000);
    releaseA();
    await stopAll({ chromium, server, sim, base });
  });

  afterEach(async function () {
    await saveFailure(this.currentTest, 'e2e-concurrent-failure.log', page, server, dirs);
  });

  it('runs two conversations at once; each ends with its own answer and shows its state in the history', async function () {
    const p = page!;
    await p.goto(`${server!.url}/?folder=${encodeURIComponent(join(base, 'workspace'))}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await p.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    let frame = await openChatView(p, 120_000);

    await sendMessage(p, frame, TASK_A);
    await waitFor(() => sim!.requests.some((r) => JSON.stringify(r.body.messages).includes(TASK_A)), 60_000, 'the first run asked the model');

    // A new chat while the first runs: the composer is free there (no "stop it first").
    frame = await findChatFrame(p, 30_000);
    await (await frame.waitForSelector('button.new-chat'))!.click();
    frame = await waitForChat(p, () => !document.querySelector('.turn.user') && !!document.querySelector('.button.send:not(.hidden)'), 30_000);
    await sendMessage(p, frame, TASK_B);
    // Ended: the answer, the run's summary, and the composer free again (the extension's runEnded).
    frame = await waitForChat(p, (a: string) => document.body.innerText.includes(a) && !!document.querySelector('.run-status.done') && !!document.querySelector('.button.send:not(.hidden)'), 60_000, ANSWER_B);
    let shown = (await chatEval(p, () => document.body.innerText)) ?? '';
    assert.ok(!shown.includes(ANSWER_A), 'the second conversation does not show the first one\'s answer');

    // The history: the first still running, the second done.
    await (await frame.waitForSelector('.history-toggle'))!.click();
    await waitForChat(p, () => [...document.querySelectorAll('.history-item .history-status')].map((s) => s.textContent).join() === 'done,running', 30_000).catch(() => undefined);
    const during = (await historyRows(p)) ?? [];
    assert.deepEqual(during.map((r) => r.status), ['done', 'running'], JSON.stringify(during));
    assert.match(during[1].title, /e2e-concurrent-a/);
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-concurrent-history.png') });

    // Released, the first run finishes in the background; the open list follows.
    releaseA();
    await waitForChat(p, () => [...document.querySelectorAll('.history-item .history-status')].every((s) => s.textContent === 'done'), 60_000);
    shown = (await chatEval(p, () => document.querySelector('.transcript')?.textContent ?? '')) ?? '';
    assert.ok(shown.includes(ANSWER_B) && !shown.includes(ANSWER_A), 'the shown (second) conversation is unchanged');

    // Opening the first: its own task and answer.
    frame = await findChatFrame(p, 30_000);
    const rows = await frame.$$('.history-item');
    const titles = await Promise.all(rows.map((r) => r.evaluate((e) => e.textContent ?? '')));
    const rowA = rows[titles.findIndex((t) => t.includes('e2e-concurrent-a'))];
    assert.ok(rowA, `a history row for the first conversation: ${JSON.stringify(titles)}`);
    await rowA.click();
    await waitForChat(p, (a: string) => document.querySelector('.transcript')?.textContent?.includes(a) ?? false, 30_000, ANSWER_A);
    shown = (await chatEval(p, () => document.querySelector('.transcript')?.textContent ?? '')) ?? '';
    assert.ok(shown.includes(TASK_A), 'the first conversation shows its task');
    assert.ok(!shown.includes(ANSWER_B) && !shown.includes(TASK_B), 'and nothing of the second');
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-concurrent.png') });
  });
});
