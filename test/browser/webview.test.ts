// The chat panel bundle in real headless Chromium, under the host page's CSP, driven by ToWebview messages.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import type { SwarmEvent } from '../../server/protocol';
import type { Conversation, ToExtension, ToWebview } from '../../webview/messages';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { buildWebview, startHarness, type Harness } from './webview-harness';

// A 2x2 red PNG.
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAwMDAAAAh/wH/Ku3hMwAAAABJRU5ErkJggg==';

const summary = { wallMs: 4200, steps: 3, toolCalls: 2, tokens: { input: 12400, cachedInput: 8000, output: 900 } };

describe('browser: webview chat panel', function () {
  this.timeout(120_000);
  let chromium: LaunchedChromium;
  let browser: Browser;
  let harness: Harness;
  let bundle: { dir: string; cleanup(): void };

  before(async () => {
    bundle = await buildWebview();
    harness = await startHarness(bundle.dir);
    chromium = await launchChromium();
    browser = chromium.browser;
  });
  after(async () => {
    await chromium?.cleanup();
    await harness?.close();
    bundle?.cleanup();
  });

  async function open(url = harness.url): Promise<Page> {
    const page = await browser.newPage();
    await page.setViewport({ width: 460, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    (page as Page & { errors?: string[] }).errors = errors;
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
    return page;
  }

  function pageErrors(page: Page): string[] {
    return (page as Page & { errors?: string[] }).errors ?? [];
  }

  async function send(page: Page, ...msgs: ToWebview[]): Promise<void> {
    await page.evaluate((ms) => { for (const m of ms) window.dispatchEvent(new MessageEvent('message', { data: m })); }, msgs);
  }

  const ev = (runId: string, event: SwarmEvent): ToWebview => ({ type: 'event', runId, event });

  /** Streams text as many small deltas, a few per task, like the real extension would. */
  async function stream(page: Page, runId: string, type: 'text_delta' | 'reasoning_delta', text: string, chunk = 3, agentId = 'root'): Promise<void> {
    const msgs: ToWebview[] = [];
    for (let i = 0; i < text.length; i += chunk) msgs.push(ev(runId, { type, agentId, text: text.slice(i, i + chunk) }));
    for (let i = 0; i < msgs.length; i += 8) {
      await send(page, ...msgs.slice(i, i + 8));
    }
  }

  async function frame(page: Page): Promise<void> {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }

  async function posted(page: Page): Promise<ToExtension[]> {
    return page.evaluate(() => (window as any).__posted);
  }

  async function startRun(page: Page, runId: string): Promise<void> {
    await send(page, { type: 'runStarted', runId }, ev(runId, { type: 'run_started', agentId: 'root', task: 't', model: 'kimi-k2.5' }));
  }

  it('renders streamed markdown (bold, list, code block) across many deltas', async () => {
    const page = await open();
    await startRun(page, 'r1');
    const md = 'Here is **bold text** and `inline`.\n\n- first item\n- second item\n- third item\n\n```ts\nconst answer = 42;\nconsole.log(answer);\n```\n\nDone.';
    await stream(page, 'r1', 'text_delta', md.slice(0, 60));
    await frame(page);
    // Partial render already shows the bold text and the start of the list.
    assert.equal(await page.$eval('.turn.assistant .md strong', (e) => e.textContent), 'bold text');
    const cut = md.indexOf('const answer');
    await stream(page, 'r1', 'text_delta', md.slice(60, cut));
    await frame(page);
    // Completed top-level blocks are frozen: later deltas re-render only the unfinished tail.
    const firstPara = await page.$('.turn.assistant .md > p');
    await stream(page, 'r1', 'text_delta', md.slice(cut));
    await frame(page);
    assert.equal(await firstPara!.evaluate((e) => e.isConnected), true, 'the finished paragraph was not re-rendered');
    const r = await page.$eval('.turn.assistant .md', (el) => ({
      strong: el.querySelector('strong')?.textContent,
      items: [...el.querySelectorAll('ul > li')].map((li) => li.textContent),
      code: el.querySelector('pre code')?.textContent,
      lang: el.querySelector('pre code')?.className,
      last: el.querySelector('p:last-of-type')?.textContent,
    }));
    assert.equal(r.strong, 'bold text');
    assert.deepEqual(r.items, ['first item', 'second item', 'third item']);
    assert.equal(r.code, 'const answer = 42;\nconsole.log(answer);\n');
    assert.match(r.lang ?? '', /language-ts/);
    assert.equal(r.last, 'Done.');
    // One markdown block, not one per delta.
    assert.equal(await page.$$eval('.turn.assistant .md', (els) => els.length), 1);
    await send(page, { type: 'runEnded', result: { runId: 'r1', status: 'done', text: md, summary } });
    await frame(page);
    assert.match(await page.$eval('.run-footer', (e) => e.textContent ?? ''), /3 steps · 2 tool calls/);
    assert.deepEqual(pageErrors(page), []);
    assert.deepEqual(await page.evaluate(() => (window as any).__csp), [], 'the panel itself violates no CSP directive');
    await page.close();
  });

  it('never splits a code fence or a loose list while streaming incrementally', async () => {
    const page = await open();
    await startRun(page, 'f1');
    const md = 'Intro\n\n```py\na = 1\n\n\nb = 2\n\nc = 3\n```\n\n- one\n\n- two\n\n1. x\n\n2. y\n\nAfter the code\n\n~~~\n```\nnot a fence end\n\n~~~\n\nEnd';
    for (let i = 0; i < md.length; i += 4) {
      await stream(page, 'f1', 'text_delta', md.slice(i, i + 4), 4);
      await frame(page);
    }
    const r = await page.$eval('.turn.assistant .md', (el) => ({
      pres: [...el.querySelectorAll('pre code')].map((c) => c.textContent),
      uls: [...el.querySelectorAll('ul')].map((u) => u.children.length),
      ols: [...el.querySelectorAll('ol')].map((u) => u.children.length),
      last: el.lastElementChild?.textContent,
    }));
    assert.deepEqual(r.pres, ['a = 1\n\n\nb = 2\n\nc = 3\n', '```\nnot a fence end\n']);
    assert.deepEqual(r.uls, [2]);
    assert.deepEqual(r.ols, [2]);
    assert.equal(r.last, 'End');
    await page.close();
  });

  for (const variant of ['with CSP', 'without CSP (sanitizer alone)']) {
    it(`model output cannot run script or embed frames (${variant})`, async () => {
      const page = await open(variant === 'with CSP' ? harness.url : harness.urlNoCsp);
      await startRun(page, 'x1');
      const evil = [
        'Look: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=1</script>',
        '[click me](javascript:window.__pwned=1) <a href="javascript:window.__pwned=1">raw</a>',
        '<iframe src="javascript:parent.__pwned=1"></iframe><iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
        '<svg onload="window.__pwned=1"><circle r=5></circle></svg><style>body{display:none}</style>',
        '<form action="javascript:window.__pwned=1"><button>go</button></form><div onmouseover="window.__pwned=1">hover</div>',
        '<a href="https://example.com/docs">safe link</a> and **still markdown**',
      ].join('\n\n');
      await stream(page, 'x1', 'text_delta', evil, 7);
      await frame(page);
      // Give any image error / load handlers a chance to fire.
      await new Promise((r) => setTimeout(r, 300));
      const r = await page.$eval('.transcript', (root) => ({
        pwned: (window as any).__pwned,
        scripts: root.querySelectorAll('script').length,
        frames: root.querySelectorAll('iframe, frame, object, embed').length,
        styles: root.querySelectorAll('style, form, svg, button:not(.code-copy)').length,
        onAttrs: [...root.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name)),
        jsHrefs: [...root.querySelectorAll('[href], [src], [action]')].filter((e) =>
          /javascript:/i.test(e.getAttribute('href') ?? '') || /javascript:/i.test(e.getAttribute('src') ?? '') || /javascript:/i.test(e.getAttribute('action') ?? '')).length,
        strong: root.querySelector('.md strong')?.textContent,
        safeHref: root.querySelector('a[href^="https:"]')?.getAttribute('href'),
        bodyVisible: getComputedStyle(document.body).display !== 'none',
      }));
      assert.equal(r.pwned, undefined);
      assert.equal(r.scripts, 0);
      assert.equal(r.frames, 0);
      assert.equal(r.styles, 0);
      assert.deepEqual(r.onAttrs, []);
      assert.equal(r.jsHrefs, 0);
      assert.equal(r.strong, 'still markdown');
      assert.equal(r.safeHref, 'https://example.com/docs');
      assert.ok(r.bodyVisible);
      // Clicking links never navigates the webview: safe links go to the extension, the rest do nothing.
      const before = page.url();
      for (const a of await page.$$('.md a')) await a.click();
      await frame(page);
      assert.equal(page.url(), before);
      assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
      const links = (await posted(page)).filter((m) => m.type === 'openLink');
      assert.deepEqual(links, [{ type: 'openLink', url: 'https://example.com/docs' }]);
      assert.deepEqual(pageErrors(page), []);
      await page.close();
    });
  }

  it('shows thinking collapsed while streaming, expandable, and closed when the answer starts', async () => {
    const page = await open();
    await startRun(page, 't1');
    await stream(page, 't1', 'reasoning_delta', 'The user wants a fix. Let me look at the parser first.');
    await frame(page);
    let t = await page.$eval('details.thinking', (d) => ({ open: (d as HTMLDetailsElement).open, streaming: d.classList.contains('streaming'), label: d.querySelector('summary')?.textContent }));
    assert.deepEqual(t, { open: false, streaming: true, label: 'Thinking…' });
    assert.equal(await page.$eval('details.thinking .thinking-text', (e) => e.textContent), 'The user wants a fix. Let me look at the parser first.');
    await page.click('details.thinking > summary');
    assert.equal(await page.$eval('details.thinking', (d) => (d as HTMLDetailsElement).open), true);
    await page.click('details.thinking > summary');
    assert.equal(await page.$eval('details.thinking', (d) => (d as HTMLDetailsElement).open), false);
    await stream(page, 't1', 'text_delta', 'The answer.');
    await frame(page);
    t = await page.$eval('details.thinking', (d) => ({ open: (d as HTMLDetailsElement).open, streaming: d.classList.contains('streaming'), label: d.querySelector('summary')?.textContent }));
    assert.equal(t.streaming, false);
    assert.match(t.label ?? '', /^Thought/);
    await page.close();
  });

  it('renders a card per tool call with arguments and result, errors, retries and run failure in place', async () => {
    const page = await open();
    await startRun(page, 'c1');
    await send(page,
      ev('c1', { type: 'tool_called', agentId: 'root', callId: 'a', name: 'read_file', args: { path: 'src/parser.ts', offset: 10 } }),
      ev('c1', { type: 'tool_called', agentId: 'root', callId: 'b', name: 'run_command', args: { command: 'npm test' } }));
    await frame(page);
    let cards = await page.$$eval('.tool-card', (els) => els.map((e) => ({ cls: e.className, text: e.textContent })));
    assert.equal(cards.length, 2);
    assert.match(cards[0].cls, /running/);
    assert.match(cards[0].text ?? '', /read_file/);
    assert.match(cards[0].text ?? '', /"path": "src\/parser.ts"/);
    assert.match(cards[0].text ?? '', /"offset": 10/);
    const longOut = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join('\n');
    await send(page,
      ev('c1', { type: 'tool_output', agentId: 'root', callId: 'a', ok: true, output: longOut }),
      ev('c1', { type: 'tool_output', agentId: 'root', callId: 'b', ok: false, output: 'Command failed: exit 1' }),
      ev('c1', { type: 'retry', agentId: 'root', attempt: 2, delayMs: 1500, reason: '429 Too Many Requests' }),
      ev('c1', { type: 'error', agentId: 'root', message: 'Model endpoint said 401: check the API key' }));
    await frame(page);
    cards = await page.$$eval('.tool-card', (els) => els.map((e) => ({ cls: e.className, text: e.textContent })));
    assert.match(cards[0].cls, /\bok\b/);
    assert.match(cards[0].text ?? '', /line 60/);
    // Long output is folded away behind a summary.
    assert.equal(await page.$eval('.tool-card[data-call-id="a"] details.tool-fold', (d) => (d as HTMLDetailsElement).open), false);
    assert.match(cards[1].cls, /\berror\b/);
    assert.match(cards[1].text ?? '', /Command failed: exit 1/);
    assert.match(await page.$eval('.notice.retry', (e) => e.textContent ?? ''), /attempt 2.*1\.5s.*429/);
    assert.match(await page.$eval('.error-block', (e) => e.textContent ?? ''), /401: check the API key/);
    await send(page, { type: 'runEnded', result: { runId: 'c1', status: 'failed', text: '', error: 'Model request failed after 4 retries', summary } });
    await frame(page);
    const errs = await page.$$eval('.turn.assistant .error-block', (els) => els.map((e) => e.textContent));
    assert.ok(errs.some((e) => /failed after 4 retries/.test(e ?? '')));
    assert.match(await page.$eval('.run-status', (e) => e.textContent ?? ''), /failed/);
    await page.close();
  });

  it('shows a stop button only while a run is active, and it posts stop', async () => {
    const page = await open();
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), true);
    await startRun(page, 's1');
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), false);
    await page.click('.button.stop');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'stop'), [{ type: 'stop' }]);
    await send(page, { type: 'runEnded', result: { runId: 's1', status: 'cancelled', text: '', summary } });
    await frame(page);
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), true);
    assert.match(await page.$eval('.notice.stopped', (e) => e.textContent ?? ''), /Stopped/);
    await page.close();
  });

  it('sends text with Enter, keeps Shift+Enter as a newline, and persists the draft', async () => {
    const page = await open();
    await page.focus('textarea.input');
    await page.keyboard.type('first line');
    await page.keyboard.down('Shift');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Shift');
    await page.keyboard.type('second line');
    assert.equal((await posted(page)).filter((m) => m.type === 'send').length, 0);
    assert.equal(await page.evaluate(() => (window as any).__state?.draft), 'first line\nsecond line');
    await page.keyboard.press('Enter');
    const sends = (await posted(page)).filter((m) => m.type === 'send');
    assert.deepEqual(sends, [{ type: 'send', text: 'first line\nsecond line', images: [], thinking: 'auto' }]);
    assert.equal(await page.$eval('textarea.input', (t) => (t as HTMLTextAreaElement).value), '');
    assert.equal(await page.$eval('.turn.user .user-text', (e) => e.textContent), 'first line\nsecond line');
    // While the run is pending, the stop button replaces send.
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), false);
    await page.close();
  });

  it('includes pasted and attached images in send, with removable thumbnails', async () => {
    const page = await open();
    // Paste from the clipboard.
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      document.querySelector('textarea.input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, PNG_B64);
    await page.waitForFunction(() => document.querySelectorAll('.thumbs .thumb').length === 1);
    // Attach through the file input.
    const dir = mkdtempSync(join(tmpdir(), 'swarmcode-img-'));
    try {
      const file = join(dir, 'shot.png');
      writeFileSync(file, Buffer.from(PNG_B64, 'base64'));
      const notImage = join(dir, 'notes.txt');
      writeFileSync(notImage, 'hello');
      const input = await page.$('input.file-input');
      await (input as any).uploadFile(file);
      await page.waitForFunction(() => document.querySelectorAll('.thumbs .thumb').length === 2);
      await (input as any).uploadFile(file);
      await page.waitForFunction(() => document.querySelectorAll('.thumbs .thumb').length === 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Remove one.
    await page.click('.thumbs .thumb-wrap:last-child .thumb-remove');
    await page.waitForFunction(() => document.querySelectorAll('.thumbs .thumb').length === 2);
    await page.type('textarea.input', 'make it look like this');
    await page.click('.button.send');
    const sends = (await posted(page)).filter((m) => m.type === 'send') as Extract<ToExtension, { type: 'send' }>[];
    assert.equal(sends.length, 1);
    assert.equal(sends[0].text, 'make it look like this');
    assert.deepEqual(sends[0].images, [{ mimeType: 'image/png', data: PNG_B64 }, { mimeType: 'image/png', data: PNG_B64 }]);
    assert.equal(await page.$$eval('.thumbs .thumb', (e) => e.length), 0);
    assert.equal(await page.$$eval('.turn.user img.thumb', (e) => e.length), 2);
    assert.deepEqual(await page.evaluate(() => (window as any).__csp), []);
    await page.close();
  });

  it('reopens a stored conversation with its messages, thinking and tool cards; history and new chat post', async () => {
    const page = await open();
    const conv: Conversation = {
      id: 'c-2', title: 'Fix the parser', updatedAt: Date.now() - 3_600_000,
      messages: [
        { role: 'user', text: 'Fix the parser bug', images: [{ mimeType: 'image/png', data: PNG_B64 }] },
        { role: 'assistant', text: 'Fixed the **off-by-one** in `parse()`.' },
        { role: 'user', text: 'Thanks! And the docs?' },
        { role: 'assistant', text: 'Updated the *README*.' },
      ],
      runs: [{
        runId: 'old-1',
        events: [
          { type: 'run_started', agentId: 'root', task: 'Fix the parser bug', model: 'kimi-k2.5' },
          { type: 'reasoning_delta', agentId: 'root', text: 'Look at parse() first.' },
          { type: 'tool_called', agentId: 'root', callId: 'k1', name: 'edit_file', args: { path: 'src/parse.ts', old_string: 'i <= n', new_string: 'i < n' } },
          { type: 'tool_output', agentId: 'root', callId: 'k1', ok: true, output: 'Edited src/parse.ts (1 replacement)' },
          { type: 'text_delta', agentId: 'root', text: 'Fixed the **off-by-one** ' },
          { type: 'text_delta', agentId: 'root', text: 'in `parse()`.' },
          { type: 'run_finished', agentId: 'root', status: 'done', summary },
        ],
      }],
    };
    await send(page, { type: 'init', conversation: conv, conversations: [
      { id: 'c-1', title: 'Older chat', updatedAt: Date.now() - 86_400_000 * 2 },
      { id: 'c-2', title: 'Fix the parser', updatedAt: conv.updatedAt },
    ] });
    await frame(page);
    const r = await page.$eval('.transcript', (root) => ({
      users: [...root.querySelectorAll('.turn.user .user-text')].map((e) => e.textContent),
      userImages: root.querySelectorAll('.turn.user img.thumb').length,
      answers: [...root.querySelectorAll('.turn.assistant .md')].map((e) => e.textContent?.trim()),
      strong: root.querySelector('.turn.assistant .md strong')?.textContent,
      thinking: root.querySelector('details.thinking .thinking-text')?.textContent,
      thinkingOpen: (root.querySelector('details.thinking') as HTMLDetailsElement | null)?.open,
      tool: root.querySelector('.tool-card')?.textContent,
      toolOk: root.querySelector('.tool-card')?.classList.contains('ok'),
    }));
    assert.deepEqual(r.users, ['Fix the parser bug', 'Thanks! And the docs?']);
    assert.equal(r.userImages, 1);
    assert.deepEqual(r.answers, ['Fixed the off-by-one in parse().', 'Updated the README.']);
    assert.equal(r.strong, 'off-by-one');
    assert.equal(r.thinking, 'Look at parse() first.');
    assert.equal(r.thinkingOpen, false);
    assert.match(r.tool ?? '', /edit_file/);
    assert.match(r.tool ?? '', /Edited src\/parse.ts/);
    assert.equal(r.toolOk, true);
    assert.equal(await page.$eval('.conv-title', (e) => e.textContent), 'Fix the parser');
    // History list: toggling asks for a fresh list; clicking opens.
    await page.click('.history-toggle');
    await page.waitForSelector('.history-panel:not(.hidden)');
    const titles = await page.$$eval('.history-item .history-title', (els) => els.map((e) => e.textContent));
    assert.deepEqual(titles, ['Fix the parser', 'Older chat']);
    await page.click('.history-item[data-id="c-1"]');
    await page.click('.new-chat');
    const msgs = (await posted(page)).filter((m) => m.type !== 'ready');
    assert.deepEqual(msgs, [{ type: 'listConversations' }, { type: 'openConversation', id: 'c-1' }, { type: 'newChat' }]);
    // A fresh init (new chat) clears the transcript.
    await send(page, { type: 'init', conversation: { id: 'c-3', title: '', updatedAt: Date.now(), messages: [], runs: [] }, conversations: [] });
    assert.equal(await page.$$eval('.turn', (e) => e.length), 0);
    assert.ok(await page.$('.empty'));
    await page.close();
  });

  it('picks up a run that is still live when the panel is reloaded mid-run', async () => {
    const page = await open();
    const conv: Conversation = {
      id: 'live', title: 'Live', updatedAt: Date.now(),
      messages: [{ role: 'user', text: 'Run the tests' }],
      runs: [{ runId: 'L1', events: [
        { type: 'run_started', agentId: 'root', task: 'Run the tests', model: 'kimi-k2.5' },
        { type: 'text_delta', agentId: 'root', text: 'Running them now.' },
        { type: 'tool_called', agentId: 'root', callId: 'q', name: 'run_command', args: { command: 'npm test' } },
      ] }],
    };
    // What the extension sends on 'ready' while a run is active: init, then runStarted for it.
    await send(page, { type: 'init', conversation: conv, conversations: [] }, { type: 'runStarted', runId: 'L1' });
    await frame(page);
    assert.equal(await page.$$eval('.turn.assistant', (e) => e.length), 1);
    assert.match(await page.$eval('.tool-card', (e) => e.className), /\brunning\b/);
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), false);
    await send(page, ev('L1', { type: 'tool_output', agentId: 'root', callId: 'q', ok: true, output: '3 passing' }));
    await stream(page, 'L1', 'text_delta', 'All **green**.');
    await send(page, { type: 'runEnded', result: { runId: 'L1', status: 'done', text: 'Running them now.All green.', summary } });
    await frame(page);
    assert.match(await page.$eval('.tool-card', (e) => e.className), /\bok\b/);
    assert.equal(await page.$eval('.turn.assistant .md strong', (e) => e.textContent), 'green');
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), true);
    assert.equal(await page.$$eval('.turn.assistant', (e) => e.length), 1);
    await page.close();
  });

  it('renders sub-agent events as swarm lanes without disturbing the root transcript', async () => {
    const page = await open();
    await startRun(page, 'w1');
    await stream(page, 'w1', 'text_delta', 'Splitting the work across agents.');
    const subs = ['tests', 'docs', 'types'];
    for (const [i, name] of subs.entries()) {
      await send(page,
        ev('w1', { type: 'agent_spawned', agentId: `sub-${i}`, parentId: 'root', name, task: `Handle the ${name}` }),
        ev('w1', { type: 'usage', agentId: `sub-${i}`, tokens: { input: 1000, cachedInput: 800, output: 50 } }),
        ev('w1', { type: 'tool_called', agentId: `sub-${i}`, callId: `s${i}`, name: 'grep', args: { pattern: name } }),
        ev('w1', { type: 'text_delta', agentId: `sub-${i}`, text: `**${name}** sub-agent says hi` }));
    }
    await send(page, ev('w1', { type: 'usage', agentId: 'sub-1', tokens: { input: 1000, cachedInput: 800, output: 50 } }),
      ev('w1', { type: 'agent_finished', agentId: 'sub-0', status: 'done', steps: 1 }),
      ev('w1', { type: 'agent_finished', agentId: 'sub-2', status: 'failed', steps: 1 }));
    await frame(page);
    const r = await page.$eval('.transcript', (root) => ({
      rootText: root.querySelector('.turn.assistant > .agent-transcript > .md')?.textContent?.trim(),
      lanes: [...root.querySelectorAll('.lane')].map((l) => ({
        id: l.getAttribute('data-agent-id'), cls: l.className,
        name: l.querySelector('.lane-name')?.textContent, tool: l.querySelector('.lane-tool')?.textContent,
        ticks: l.querySelectorAll('.tick').length,
      })),
      count: root.querySelector('.swarm-count')?.textContent,
      laneMd: root.querySelector('.lane .md strong')?.textContent,
    }));
    assert.equal(r.rootText, 'Splitting the work across agents.');
    assert.deepEqual(r.lanes.map((l) => l.name), subs);
    assert.match(r.lanes[0].cls, /\bdone\b/);
    assert.match(r.lanes[1].cls, /\brunning\b/);
    assert.match(r.lanes[1].cls, /\bcritical\b/);
    assert.equal(r.lanes[1].tool, 'grep');
    assert.equal(r.lanes[1].ticks, 2);
    assert.match(r.lanes[2].cls, /\bfailed\b/);
    assert.equal(r.count, '3 agents, 1 running');
    assert.equal(r.laneMd, 'tests');
    // Clicking a lane opens its transcript.
    await page.click('.lane[data-agent-id="sub-1"] > summary');
    assert.equal(await page.$eval('.lane[data-agent-id="sub-1"]', (d) => (d as HTMLDetailsElement).open), true);
    await frame(page);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/webview-swarm.png', fullPage: false });
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });

  it('looks right (screenshot to test-artifacts/webview.png)', async () => {
    const page = await open();
    await send(page, { type: 'init', conversation: { id: 'c', title: 'Fix the flaky parser test', updatedAt: Date.now(), messages: [], runs: [] }, conversations: [] });
    await page.type('textarea.input', 'The parser test fails on Windows line endings. Fix it and run the tests.');
    await page.keyboard.press('Enter');
    await startRun(page, 'p1');
    await stream(page, 'p1', 'reasoning_delta', 'CRLF handling lives in the tokenizer; check splitLines first.', 12);
    await send(page,
      ev('p1', { type: 'tool_called', agentId: 'root', callId: 'g', name: 'grep', args: { pattern: 'splitLines', path: 'src' } }),
      ev('p1', { type: 'tool_output', agentId: 'root', callId: 'g', ok: true, output: 'src/tokenizer.ts:41: export function splitLines(s: string) {\nsrc/parser.ts:12: import { splitLines } from "./tokenizer";' }),
      ev('p1', { type: 'tool_called', agentId: 'root', callId: 'e', name: 'edit_file', args: { path: 'src/tokenizer.ts', old_string: "s.split('\\n')", new_string: 's.split(/\\r?\\n/)' } }),
      ev('p1', { type: 'tool_output', agentId: 'root', callId: 'e', ok: true, output: 'Edited src/tokenizer.ts (1 replacement)' }),
      ev('p1', { type: 'tool_called', agentId: 'root', callId: 'r', name: 'run_command', args: { command: 'npm test' } }),
      ev('p1', { type: 'tool_output', agentId: 'root', callId: 'r', ok: true, output: '  42 passing (1s)' }));
    await stream(page, 'p1', 'text_delta', 'Fixed: `splitLines` now splits on **`\\r?\\n`**, so CRLF input parses.\n\n- `src/tokenizer.ts`: regex split\n- tests: 42 passing\n\n```ts\nexport function splitLines(s: string) {\n  return s.split(/\\r?\\n/);\n}\n```\n', 9);
    await send(page, { type: 'runEnded', result: { runId: 'p1', status: 'done', text: '', summary } });
    await frame(page);
    // Unfold one card and the thinking so the screenshot shows them.
    await page.click('.tool-card[data-call-id="g"] summary');
    await page.click('details.thinking > summary');
    await page.$eval('.transcript', (t) => { t.scrollTop = 0; });
    await frame(page);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/webview.png', fullPage: false });
    assert.deepEqual(await page.evaluate(() => (window as any).__csp), []);
    assert.deepEqual(pageErrors(page), []);
    await page.close();
  });
});
