// Loading a prepared page deterministically and taking its screenshot.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RenderPage } from './browser-pool';
import { throwIfAborted } from './browser-pool';

export interface Viewport {
  width: number;
  height: number;
}

export const DEFAULT_VIEWPORT: Viewport = { width: 1280, height: 800 };

/** Injected after load: no animations, transitions, smooth scrolling or blinking caret. */
export const DETERMINISM_CSS =
  '*,*::before,*::after{animation:none!important;transition:none!important;' +
  'caret-color:transparent!important;scroll-behavior:auto!important}';

/** A page ready to load: its URL and the folders it may read assets from. */
export interface PreparedPage {
  url: string;
  roots: string[];
  /** Removes temporary files written for this page. */
  cleanup(): Promise<void>;
}

export interface LoadOptions {
  viewport?: Viewport;
  timeoutMs?: number;
}

let tempDir: Promise<string> | undefined;
let seq = 0;

/** A process-wide temp folder for harness pages. */
export function visualTempDir(): Promise<string> {
  tempDir ??= mkdtemp(join(tmpdir(), 'swarmcode-visual-'));
  return tempDir;
}

/** Writes `html` to a fresh temp file; the page may also read files under `extraRoots`. */
export async function prepareTempPage(html: string, extraRoots: string[] = []): Promise<PreparedPage> {
  const dir = await visualTempDir();
  const file = join(dir, `page-${process.pid}-${++seq}.html`);
  await writeFile(file, html);
  return {
    url: pathToFileURL(file).href,
    roots: [dir, ...extraRoots],
    cleanup: () => rm(file, { force: true }),
  };
}

/** Navigates, waits for load and fonts, turns animation off, blurs focus. */
export async function loadPage(rp: RenderPage, prepared: PreparedPage, opts: LoadOptions, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  const { page } = rp;
  const vp = opts.viewport ?? DEFAULT_VIEWPORT;
  const cur = page.viewport();
  if (!cur || cur.width !== vp.width || cur.height !== vp.height || cur.deviceScaleFactor !== 1) {
    await page.setViewport({ width: vp.width, height: vp.height, deviceScaleFactor: 1 });
  }
  rp.allow(prepared.roots);
  await page.goto(prepared.url, { waitUntil: 'load', timeout: opts.timeoutMs ?? 20_000 });
  throwIfAborted(signal);
  await page.evaluate(async (css: string) => {
    const style = document.createElement('style');
    style.textContent = css;
    (document.head ?? document.documentElement).appendChild(style);
    (document.activeElement as HTMLElement | null)?.blur?.();
    await document.fonts.ready;
    const err = (window as unknown as { __swarmError?: string }).__swarmError;
    if (err) throw new Error(err);
  }, DETERMINISM_CSS);
}

/** PNG of the viewport, or of the whole page with `fullPage`. */
export async function capture(rp: RenderPage, fullPage = false): Promise<Buffer> {
  const data = await rp.page.screenshot({ type: 'png', fullPage, optimizeForSpeed: true, captureBeyondViewport: false });
  return Buffer.from(data);
}
