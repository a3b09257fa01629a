// Shared helpers for the chat panel browser tests: one Chromium + harness per test file,
// pages that load the bundle under the host CSP, and ToWebview message drivers.
import type { Browser, Page } from 'puppeteer-core';
import type { RunSummary, SwarmEvent } from '../../server/protocol';
import type { ToExtension, ToWebview } from '../../webview/messages';
import { launchChromium, type LaunchedChromium } from '../support/chromium';
import { buildWebview, startHarness, type Harness } from './webview-harness';

/** A 2x2 red PNG. */
export const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAwMDAwMDAAAAh/wH/Ku3hMwAAAABJRU5ErkJggg==';

export const summary: RunSummary = { wallMs: 4200, steps: 3, toolCalls: 2, tokens: { input: 12400, cachedInput: 8000, output: 900 } };

export interface Panel {
  harness(): Harness;
  /** A fresh page with the panel loaded and 'ready' posted. */
  open(url?: string): Promise<Page>;
}

/** Registers before/after hooks in the calling describe(): builds the bundle, serves it, launches Chromium. */
export function usePanel(): Panel {
  let chromium: LaunchedChromium | undefined;
  let browser: Browser;
  let harness: Harness | undefined;
  let bundle: { dir: string; cleanup(): void } | undefined;
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
  return {
    harness: () => harness!,
    async open(url?: string): Promise<Page> {
      const page = await browser.newPage();
      await page.setViewport({ width: 460, height: 900 });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      (page as Page & { errors?: string[] }).errors = errors;
      await page.goto(url ?? harness!.url, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
      return page;
    },
  };
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** Delivers messages the way the extension's webview.postMessage does: as window 'message' events. */
export async function send(page: Page, ...msgs: ToWebview[]): Promise<void> {
  await page.evaluate((ms) => { for (const m of ms) window.dispatchEvent(new MessageEvent('message', { data: m })); }, msgs);
}

export const ev = (runId: string, event: SwarmEvent): ToWebview => ({ type: 'event', runId, event });

/** Streams text as many small deltas, a few per task, like the real extension would. */
export async function stream(page: Page, runId: string, type: 'text_delta' | 'reasoning_delta', text: string, chunk = 3, agentId = 'root'): Promise<void> {
  const msgs: ToWebview[] = [];
  for (let i = 0; i < text.length; i += chunk) msgs.push(ev(runId, { type, agentId, text: text.slice(i, i + chunk) }));
  for (let i = 0; i < msgs.length; i += 8) await send(page, ...msgs.slice(i, i + 8));
}

/** Waits two animation frames (the panel renders markdown and scrolls once per frame). */
export async function frame(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export async function posted(page: Page): Promise<ToExtension[]> {
  return page.evaluate(() => (window as any).__posted);
}

export async function startRun(page: Page, runId: string): Promise<void> {
  await send(page, { type: 'runStarted', runId }, ev(runId, { type: 'run_started', agentId: 'root', task: 't', model: 'kimi-k2.5' }));
}
