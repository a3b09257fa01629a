// Helpers for driving the code-server workbench and the SwarmCode chat webview with puppeteer.
import type { Frame, Page } from 'puppeteer-core';

/** The webview's inner frame: the one whose document has the chat composer. */
export async function findChatFrame(page: Page, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$('#app textarea.input')) return frame;
      } catch {
        /* frame navigating or detached */
      }
    }
    if (Date.now() > deadline) throw new Error('the SwarmCode chat webview did not appear');
    await new Promise((r) => setTimeout(r, 250));
  }
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
