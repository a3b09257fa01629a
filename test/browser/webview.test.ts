// The chat panel bundle in real headless Chromium, under the host page's CSP, driven by ToWebview messages:
// streaming markdown, sanitization, thinking, tool cards, stop, composer and images, the look.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToExtension } from '../../webview/messages';
import { ev, frame, pageErrors, PNG_B64, posted, send, startRun, stream, summary, usePanel } from './webview-panel';

describe('browser: webview chat panel', function () {
  this.timeout(120_000);
  const panel = usePanel();

  it('renders streamed markdown (bold, list, code block) across many deltas', async () => {
    const page = await panel.open();
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
    const page = await panel.open();
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
      const page = await panel.open(variant === 'with CSP' ? panel.harness().url : panel.harness().urlNoCsp);
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
    const page = await panel.open();
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
    const page = await panel.open();
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
    const page = await panel.open();
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
    const page = await panel.open();
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
    assert.deepEqual(sends, [{ type: 'send', text: 'first line\nsecond line', images: [] }]);
    // Choosing a thinking mode sends it as this run's override.
    await send(page, { type: 'runEnded', result: { runId: 'none', status: 'done', text: '', summary } });
    await page.select('select.thinking-select', 'on');
    await page.type('textarea.input', 'think hard');
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'send')[1], { type: 'send', text: 'think hard', images: [], thinking: 'on' });
    assert.equal(await page.evaluate(() => (window as any).__state?.thinking), 'on');
    assert.equal(await page.$eval('textarea.input', (t) => (t as HTMLTextAreaElement).value), '');
    assert.equal(await page.$eval('.turn.user .user-text', (e) => e.textContent), 'first line\nsecond line');
    // While the run is pending, the stop button replaces send.
    assert.equal(await page.$eval('.button.stop', (b) => b.classList.contains('hidden')), false);
    await page.close();
  });

  it('includes pasted and attached images in send, with removable thumbnails', async () => {
    const page = await panel.open();
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

  it('handles link clicks itself: relative links open files, and the VS Code host never sees the click', async () => {
    const page = await panel.open();
    // VS Code's webview host (pre/index.html) opens every clicked <a href> from a window 'click' listener.
    await page.evaluate(() => { (window as any).__hostClicks = []; window.addEventListener('click', (e) => (window as any).__hostClicks.push((e.target as Element).tagName)); });
    await startRun(page, 'l1');
    await stream(page, 'l1', 'text_delta', 'See [the readme](README.md#L3), [parser](src/parse.ts:12) and [docs](https://example.com/x).\n', 40);
    await send(page, { type: 'runEnded', result: { runId: 'l1', status: 'done', text: '', summary } });
    await frame(page);
    for (const a of await page.$$('.md a')) await a.click();
    const msgs = (await posted(page)).filter((m) => m.type === 'openFile' || m.type === 'openLink');
    assert.deepEqual(msgs, [
      { type: 'openFile', path: 'README.md', line: 3 },
      { type: 'openFile', path: 'src/parse.ts', line: 12 },
      { type: 'openLink', url: 'https://example.com/x' },
    ]);
    assert.deepEqual(await page.evaluate(() => (window as any).__hostClicks), []);
    // Other clicks still reach the window (the host needs them for focus handling).
    await page.click('.turn-role');
    assert.equal((await page.evaluate(() => (window as any).__hostClicks)).length, 1);
    await page.close();
  });

  it('"→ Component" on an attached image posts imageToComponent with that image and its name, and takes it out of the composer', async () => {
    const page = await panel.open();
    const paste = (names: string[]) => page.evaluate((b64, ns) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      for (const n of ns) dt.items.add(new File([bytes], n, { type: 'image/png' }));
      document.querySelector('textarea.input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, PNG_B64, names);
    await paste(['login-card.png', 'other.png']);
    await page.waitForFunction(() => document.querySelectorAll('.thumbs .thumb-wrap .thumb-component').length === 2);
    await page.click('.thumbs .thumb-wrap .thumb-component');
    const msgs = (await posted(page)).filter((m) => m.type === 'imageToComponent');
    assert.deepEqual(msgs, [{ type: 'imageToComponent', image: { mimeType: 'image/png', data: PNG_B64 }, name: 'login-card.png' }]);
    // Issue 14: the image went to the component flow, so it left the composer (the other one stays) and nothing was sent.
    assert.deepEqual(await page.$$eval('.thumbs .thumb', (e) => e.map((x) => x.getAttribute('alt'))), ['image 1']);
    await page.click('.thumbs .thumb-wrap .thumb-component');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'imageToComponent').map((m) => m.type === 'imageToComponent' && m.name), ['login-card.png', 'other.png']);
    assert.equal(await page.$$eval('.thumbs .thumb', (e) => e.length), 0);
    assert.equal(await page.$eval('.thumbs', (e) => e.classList.contains('hidden')), true);
    assert.equal((await posted(page)).filter((m) => m.type === 'send').length, 0);
    // Once sent, the image in the user's message offers the same action.
    await paste(['again.png']);
    await page.waitForSelector('.thumbs .thumb-wrap .thumb-component');
    await page.type('textarea.input', 'like this');
    await page.keyboard.press('Enter');
    await page.click('.turn.user .user-images .thumb-component');
    const again = (await posted(page)).filter((m) => m.type === 'imageToComponent');
    assert.deepEqual(again[2], { type: 'imageToComponent', image: { mimeType: 'image/png', data: PNG_B64 } });
    assert.deepEqual(await page.evaluate(() => (window as any).__csp), []);
    await page.close();
  });

  it('shows the conversation title in the header once the list names it (no reload needed)', async () => {
    const page = await panel.open();
    await send(page, { type: 'init', conversation: { id: 'c-new', title: 'New chat', updatedAt: Date.now(), messages: [], runs: [] }, conversations: [] });
    assert.equal(await page.$eval('.conv-title', (e) => e.textContent), 'New chat');
    await page.type('textarea.input', 'Rename the parser module');
    await page.keyboard.press('Enter');
    await send(page, { type: 'conversations', conversations: [{ id: 'other', title: 'Older', updatedAt: 1 }, { id: 'c-new', title: 'Rename the parser module', updatedAt: Date.now() }] });
    assert.equal(await page.$eval('.conv-title', (e) => e.textContent), 'Rename the parser module');
    await page.close();
  });

  it('keeps the composer inside a narrow panel (screenshot to test-artifacts/webview-narrow.png)', async () => {
    const page = await panel.open();
    for (const width of [200, 240, 300]) {
      await page.setViewport({ width, height: 500 });
      await frame(page);
      const r = await page.evaluate(() => ({
        send: document.querySelector('.button.send')!.getBoundingClientRect().right,
        thinking: document.querySelector('.thinking-select')!.getBoundingClientRect().right,
        body: document.documentElement.clientWidth,
        scroll: document.documentElement.scrollWidth,
      }));
      assert.ok(r.send <= r.body, `Send fits at ${width}px: right ${r.send} > ${r.body}`);
      assert.ok(r.thinking <= r.body, `the thinking select fits at ${width}px`);
      assert.ok(r.scroll <= r.body, `no horizontal scroll at ${width}px`);
    }
    await page.setViewport({ width: 240, height: 500 });
    await send(page, { type: 'init', conversation: { id: 'n', title: 'Make the login card responsive', updatedAt: Date.now(), messages: [], runs: [] }, conversations: [] });
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'card.png', { type: 'image/png' }));
      document.querySelector('textarea.input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, PNG_B64);
    await page.waitForSelector('.thumbs .thumb-component');
    await frame(page);
    const header = await page.evaluate(() => ({
      row: document.querySelector('.header-row')!.getBoundingClientRect().height,
      title: document.querySelector('.conv-title')!.getBoundingClientRect().height,
    }));
    assert.ok(header.row < header.title * 2, `the header stays one line: ${JSON.stringify(header)}`);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/webview-narrow.png' });
    await page.close();
  });

  it('looks right (screenshot to test-artifacts/webview.png)', async () => {
    const page = await panel.open();
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
