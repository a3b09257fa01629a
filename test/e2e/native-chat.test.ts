// End to end (issue 14): SwarmCode in VS Code's own chat, in code-server's VS Code build.
//  - The language-model provider: another extension (test/e2e/fixtures/lm-probe, packed to a
//    .vsix here) finds the configured endpoint's model with vscode.lm.selectChatModels({vendor:
//    'swarmcode'}) and streams an answer from it (VS Code API: "Language Model Chat Provider").
//  - The `@swarmcode` chat participant in the Chat view (vscode.chat.createChatParticipant), when
//    this build's Chat view takes requests without a Copilot sign-in.
// The packaged .vsix in code-server, driven through Chromium, against the HTTP model simulator.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { LaunchedChromium } from '../support/chromium';
import { byConversation, contentText, startSimulator, type Simulator } from '../support/simulator';
import { ARTIFACTS, installExtension, makeDirs, missingSetup, QUIET_WORKBENCH, ROOT, saveFailure, startCodeServer, stopAll, writeUserSettings, type CodeServer, type Dirs } from './code-server';
import { runCommand, openWorkbench } from './workbench';

const LM_ANSWER = 'The endpoint answers the probe: e2e-lm-answer-5120';
const CHAT_TASK = 'Rename the greeting e2e-participant-7730';
const CHAT_DONE = 'Renamed the greeting: e2e-participant-done-2291';

/** Packs the probe extension with vsce (no dependencies) into `dir`. */
function packProbe(dir: string): string {
  const src = join(dir, 'probe');
  cpSync(join(ROOT, 'test', 'e2e', 'fixtures', 'lm-probe'), src, { recursive: true });
  writeFileSync(join(src, 'README.md'), '# SwarmCode e2e probe\n\nTest-only.\n');
  const out = join(dir, 'probe.vsix');
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], { cwd: src, encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) throw new Error(`vsce package (probe) failed: ${res.stdout}${res.stderr}`);
  return out;
}

async function waitForFile(file: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} was never written`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 200));
  return readFileSync(file, 'utf8');
}

describe('e2e: SwarmCode in VS Code\'s chat (language models, @swarmcode) in code-server', function () {
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
    base = mkdtempSync(join(tmpdir(), 'swarmcode-e2e-lm-'));
    dirs = makeDirs(base);
    workspace = join(base, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'greet.txt'), 'hello\n');
    writeFileSync(join(workspace, 'probe-query.txt'), `@swarmcode ${CHAT_TASK}`);
    sim = await startSimulator({
      models: ['sim-model', 'sim-other'],
      respond: byConversation({
        'probe question e2e-lm-4410': [{ text: LM_ANSWER }],
        [CHAT_TASK]: [
          { toolCalls: [{ name: 'edit_file', arguments: { path: 'greet.txt', old_string: 'hello', new_string: 'hi there' } }] },
          { text: CHAT_DONE },
        ],
      }),
      latency: { ttftMs: 50, tokensPerSec: 400 },
    });
    writeUserSettings(dirs, {
      'swarmcode.baseUrl': sim.url,
      'swarmcode.model': 'sim-model',
      'swarmcode.thinking': 'off',
      'swarmcode.logLevel': 'debug',
      'swarmcode.toolApproval': { edit_file: 'always' },
      ...QUIET_WORKBENCH,
      // This file is about VS Code's own chat: leave its AI features on.
      'chat.disableAIFeatures': false,
    });
    installExtension(dirs);
    installExtension(dirs, packProbe(base));
    server = await startCodeServer({ dirs, workspace, env: { SWARMCODE_JOURNAL_DIR: join(base, 'journals') } });
    ({ chromium, page } = await openWorkbench(`${server.url}/?folder=${encodeURIComponent(workspace)}`));
    await page.waitForSelector('.activitybar [aria-label^="SwarmCode"]', { timeout: 90_000 });
  });

  after(async function () {
    this.timeout(60_000);
    await stopAll({ chromium, server, sim, base });
  });

  afterEach(async function () {
    await saveFailure(this.currentTest, 'e2e-native-chat-failure.log', page, server, dirs);
  });

  it('another extension finds the configured endpoint\'s models (vendor swarmcode) and streams an answer from one', async function () {
    const p = page!;
    await runCommand(p, 'SwarmCode Probe: Ask SwarmCode Model', 'Ask SwarmCode Model');
    const got = JSON.parse(await waitForFile(join(workspace, 'probe-lm.json'), 90_000)) as { listed?: { id: string; vendor: string; name: string }[]; text?: string; parts?: number; tokens?: number; error?: string };
    assert.equal(got.error, undefined, got.error);
    assert.deepEqual(got.listed?.map((m) => [m.id, m.vendor]).sort(), [['sim-model', 'swarmcode'], ['sim-other', 'swarmcode']]);
    assert.equal(got.text, LM_ANSWER);
    assert.equal(got.tokens, 3);
    // The request went to the endpoint as a plain chat completion of the caller's message.
    const req = sim!.requests.find((r) => r.conversation.includes('probe question e2e-lm-4410'));
    assert.ok(req, 'the simulator got the request');
    assert.equal(req.body.model, 'sim-model');
    assert.deepEqual(req.body.messages.map((m) => [m.role, contentText(m.content)]), [['user', 'probe question e2e-lm-4410']]);
  });

  it('@swarmcode in the Chat view runs through SwarmCode\'s engine: the answer streams and the edit lands in the workspace', async function () {
    const p = page!;
    await runCommand(p, 'SwarmCode Probe: Ask @swarmcode in Chat', 'Ask @swarmcode in Chat');
    const opened = JSON.parse(await waitForFile(join(workspace, 'probe-chat.json'), 60_000)) as { error?: string };
    assert.equal(opened.error, undefined, `workbench.action.chat.open: ${opened.error}`);
    const deadline = Date.now() + 90_000;
    let shown = '';
    while (!shown.includes(CHAT_DONE)) {
      if (Date.now() > deadline) {
        await p.screenshot({ path: join(ARTIFACTS, 'e2e-native-chat-participant.png') });
        const reached = sim!.requests.some((r) => r.conversation.includes(CHAT_TASK));
        throw new Error(`the Chat view never showed @swarmcode's answer (the model was ${reached ? '' : 'never '}asked); the chat shows: ${shown.slice(-600)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
      shown = await p.evaluate(() => [...document.querySelectorAll<HTMLElement>('.interactive-session, .chat-widget, .interactive-list')].map((e) => e.innerText).join('\n'));
    }
    assert.equal(readFileSync(join(workspace, 'greet.txt'), 'utf8'), 'hi there\n', 'the run edited the file through the server');
    assert.match(shown, /greet\.txt/, 'the changed file is listed in the answer');
    await p.screenshot({ path: join(ARTIFACTS, 'e2e-native-chat-participant.png') });
  });
});
