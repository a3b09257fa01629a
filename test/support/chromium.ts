// Launches a real headless Chromium for tests (puppeteer-core + the system browser).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { HEADLESS_ARGS } from '../../server/visual/browser-pool';

export const CHROMIUM_FLAGS = HEADLESS_ARGS;

export function chromiumPath(): string {
  return process.env.CHROME_PATH || '/usr/bin/chromium';
}

export interface LaunchedChromium {
  browser: Browser;
  /** Closes the browser and removes its temp profile and home. Safe to call twice. */
  cleanup(): Promise<void>;
}

export async function launchChromium(opts: { extraArgs?: string[]; timeoutMs?: number } = {}): Promise<LaunchedChromium> {
  const home = mkdtempSync(join(tmpdir(), 'swarmcode-chromium-'));
  const profile = join(home, 'profile');
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_RUNTIME_DIR: home,
  };
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...(opts.extraArgs ?? [])],
      env,
      timeout: opts.timeoutMs ?? 30_000,
      protocolTimeout: 60_000,
    });
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  let done = false;
  return {
    browser,
    async cleanup() {
      if (done) return;
      done = true;
      try {
        await browser.close();
      } catch {
        browser.process()?.kill('SIGKILL');
      }
      rmSync(home, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
