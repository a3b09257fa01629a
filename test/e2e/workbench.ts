// Helpers for driving the code-server workbench and the SwarmCode chat webview with puppeteer.
import type { Dialog, Frame, Page } from 'puppeteer-core';

/** The webview's inner frame: the one whose document has the chat composer. */
export async function findChatFrame(page: Page, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = await chatFrameNow(page);
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`the SwarmCode chat webview did not appear (${await describeWorkbench(page)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function chatFrameNow(page: Page): Promise<Frame | undefined> {
  for (const frame of page.frames()) {
    try {
      if (await frame.$('#app textarea.input')) return frame;
    } catch {
      /* frame navigating or detached */
    }
  }
  return undefined;
}

const ENTRY = '.activitybar [aria-label^="SwarmCode"]';

/**
 * Opens the SwarmCode view container from the activity bar, as a user would, and returns the chat
 * frame. The entry is clicked only while its container is not the open one (a click on the open
 * one closes the side bar), and again if the workbench, still restoring its layout, replaced the
 * container with its default one (seen on a slow, cold first start).
 *
 * An open container whose webview stays on VS Code's placeholder (pre/fake.html: the webview
 * service worker of a fresh browser profile never took control, seen on a loaded CI machine) is
 * fixed the way a user fixes it: the window is reloaded, at most twice.
 */
export async function openChatView(page: Page, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  await page.waitForSelector(ENTRY, { timeout: timeoutMs });
  let clicks = 0;
  let reloads = 0;
  let lastClick = Date.now() - 3_000;
  for (;;) {
    const frame = await chatFrameNow(page);
    if (frame) return frame;
    if (Date.now() > deadline) {
      throw new Error(`the SwarmCode chat webview did not appear after ${clicks} clicks on its activity bar entry and ${reloads} reloads (${await describeWorkbench(page)})`);
    }
    const open = await page.$eval(ENTRY, (el) => {
      const item = el.closest('li') ?? el;
      return item.classList.contains('checked') || item.getAttribute('aria-expanded') === 'true';
    });
    if (!open && Date.now() - lastClick > 3_000) {
      await (await page.$(ENTRY))?.click();
      clicks++;
      lastClick = Date.now();
    } else if (open && Date.now() - lastClick > 20_000 && reloads < 2) {
      process.stderr.write(`      (e2e: the chat webview did not load in 20 s; reloading the window. ${await describeWorkbench(page)})\n`);
      await reloadWindow(page);
      await page.waitForSelector(ENTRY, { timeout: Math.max(1_000, deadline - Date.now()) });
      reloads++;
      lastClick = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Reloads the workbench, leaving through a "leave this page?" prompt if VS Code raises one. */
async function reloadWindow(page: Page): Promise<void> {
  const leave = (d: Dialog) => void (d.type() === 'beforeunload' ? d.accept() : d.dismiss()).catch(() => undefined);
  page.on('dialog', leave);
  try {
    await page.reload({ waitUntil: 'domcontentloaded', timeout: 60_000 });
  } finally {
    page.off('dialog', leave);
  }
}

/** What the workbench shows, for failure messages: the open side bar, the frames, notifications. */
export async function describeWorkbench(page: Page): Promise<string> {
  // A string, not a function: tsx's name helpers do not exist inside the page.
  const shown = await page
    .evaluate(`(() => {
      const text = (sel) => [...document.querySelectorAll(sel)].map((e) => e.innerText.trim().replace(/\\s+/g, ' ')).filter(Boolean);
      const active = [...document.querySelectorAll('.activitybar li.action-item.checked')].map((e) => e.getAttribute('aria-label') || (e.querySelector('[aria-label]') || e).getAttribute('aria-label') || '?');
      return 'side bar: ' + (text('.part.sidebar .composite.title').join(' | ') || 'none') + '; active entries: ' + (active.join(', ') || 'none') +
        '; notifications: ' + (text('.notification-toast .notification-list-item-message').join(' | ') || 'none');
    })()`)
    .catch((err: Error) => `workbench not readable: ${err.message}`);
  const frames = page.frames().map((f) => f.url().replace(/\?.*$/, '').slice(-60));
  return `${shown}; ${frames.length} frames: ${frames.join(', ')}`;
}

/** Runs a command from the command palette (F1), picking the row whose label contains `label`. */
export async function runCommand(page: Page, query: string, label: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { visible: true, timeout: 30_000 });
  await page.keyboard.type(query);
  await page.waitForFunction(
    (l: string) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent?.includes(l)),
    { timeout: 30_000 },
    label,
  );
  await page.keyboard.press('Enter');
}

export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
