// One headless browser per pool, started lazily, reused, closed when idle (DESIGN.md §6).
// Every caller (sub-agent, CLI invocation, loop candidate) gets its own browser context;
// pages inside a context are reused between renders. All network is blocked except the
// page's own local assets (file:// under the allowed roots, data:, blob:).
import { scrubEnv } from '../sandbox/env';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, HTTPRequest, Page } from 'puppeteer-core';
import type { Logger } from '../log';
import { findBrowser } from './browser-path';

export { BrowserNotFoundError, BROWSER_INSTALL_HINT, findBrowser } from './browser-path';

export interface PoolOptions {
  /** Explicit browser executable (the `swarmcode.browserPath` setting). */
  browserPath?: string;
  /** Close the browser after this long without any page in use. Default 60 s. */
  idleMs?: number;
  log?: Logger;
}

/** Headless Chromium that starts on a machine without network access and renders colours and text predictably. */
export const HEADLESS_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none',
  '--force-color-profile=srgb',
];

/** Chromium flags for deterministic, offline, quiet rendering. */
export const BROWSER_ARGS: readonly string[] = [
  ...HEADLESS_ARGS,
  '--hide-scrollbars',
  '--mute-audio',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-lcd-text',
  // Defence in depth behind request interception: nothing resolves except loopback.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost',
];

export class AbortError extends Error {
  override name = 'AbortError';
  constructor(message = 'The operation was aborted') {
    super(message);
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}

/** Resolves/rejects with `p`, or rejects with AbortError as soon as `signal` fires. */
export function raceAbort<T>(p: Promise<T>, signal?: AbortSignal, onAbort?: () => void): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    onAbort?.();
    p.catch(() => {});
    return Promise.reject(new AbortError());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(new AbortError());
    };
    signal.addEventListener('abort', abort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

/** A page owned by one caller for the duration of `withPage`. */
export class RenderPage {
  /** URLs refused since the last `allow()` call. */
  blocked: string[] = [];
  private roots: string[] = [];

  constructor(readonly page: Page) {}

  /** Sets the folders whose files the next load may read; clears `blocked`. */
  allow(roots: string[]): void {
    this.roots = roots.map((r) => (r.endsWith(sep) ? r.slice(0, -1) : r));
    this.blocked = [];
  }

  isAllowed(url: string): boolean {
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
    if (!url.startsWith('file:')) return false;
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch {
      return false;
    }
    return this.roots.some((r) => path === r || path.startsWith(r + sep));
  }

  onRequest(req: HTTPRequest): void {
    if (req.isInterceptResolutionHandled()) return;
    const url = req.url();
    if (this.isAllowed(url)) {
      void req.continue().catch(() => {});
    } else {
      this.blocked.push(url);
      void req.abort('blockedbyclient').catch(() => {});
    }
  }
}

interface ContextEntry {
  context: BrowserContext;
  idle: RenderPage[];
}

export class BrowserPool {
  private browser?: Browser;
  private launching?: Promise<Browser>;
  private userDir?: string;
  private contexts = new Map<string, Promise<ContextEntry>>();
  private leases = 0;
  private idleTimer?: NodeJS.Timeout;
  private readonly idleMs: number;

  constructor(private readonly opts: PoolOptions = {}) {
    this.idleMs = opts.idleMs ?? 60_000;
  }

  get running(): boolean {
    return !!this.browser?.connected;
  }

  /** The browser, launched on first use. */
  async getBrowser(signal?: AbortSignal): Promise<Browser> {
    throwIfAborted(signal);
    if (this.browser?.connected) return this.browser;
    if (!this.launching) {
      this.launching = this.launch().finally(() => (this.launching = undefined));
    }
    return raceAbort(this.launching, signal);
  }

  private async launch(): Promise<Browser> {
    const executablePath = findBrowser(this.opts.browserPath);
    const dir = await mkdtemp(join(tmpdir(), 'swarmcode-browser-'));
    this.userDir = dir;
    this.opts.log?.info(`visual: launching ${executablePath}`);
    // Loaded on first use: puppeteer-core costs ~150 ms of start-up to every process otherwise.
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      pipe: true,
      userDataDir: join(dir, 'profile'),
      args: [...BROWSER_ARGS],
      defaultViewport: null,
      timeout: 30_000,
      protocolTimeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      env: {
        ...scrubEnv(process.env).env,
        HOME: dir,
        XDG_CONFIG_HOME: join(dir, '.config'),
        XDG_CACHE_HOME: join(dir, '.cache'),
        XDG_DATA_HOME: join(dir, '.local', 'share'),
      },
    });
    browser.on('disconnected', () => {
      if (this.browser === browser) {
        this.browser = undefined;
        this.contexts.clear();
      }
    });
    this.browser = browser;
    return browser;
  }

  private async entry(key: string, signal?: AbortSignal): Promise<ContextEntry> {
    let e = this.contexts.get(key);
    if (!e) {
      e = (async () => {
        const browser = await this.getBrowser(signal);
        return { context: await browser.createBrowserContext(), idle: [] };
      })();
      this.contexts.set(key, e);
      e.catch(() => this.contexts.delete(key));
    }
    return e;
  }

  private async newPage(context: BrowserContext): Promise<RenderPage> {
    const page = await context.newPage();
    const rp = new RenderPage(page);
    await page.setRequestInterception(true);
    page.on('request', (req) => rp.onRequest(req));
    page.setDefaultTimeout(20_000);
    page.setDefaultNavigationTimeout(20_000);
    return rp;
  }

  /**
   * Runs `fn` with a page of the browser context named `key` (one per sub-agent or caller).
   * The page is reused afterwards unless `fn` failed or the signal fired (then it is closed).
   */
  async withPage<T>(key: string, fn: (page: RenderPage) => Promise<T>, signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal);
    this.leases++;
    clearTimeout(this.idleTimer);
    let rp: RenderPage | undefined;
    let entry: ContextEntry | undefined;
    let healthy = false;
    try {
      entry = await this.entry(key, signal);
      rp = entry.idle.pop() ?? (await raceAbort(this.newPage(entry.context), signal));
      const page = rp;
      const result = await raceAbort(fn(page), signal, () => void page.page.close().catch(() => {}));
      healthy = true;
      return result;
    } finally {
      if (rp && entry) {
        if (healthy && !rp.page.isClosed()) entry.idle.push(rp);
        else void rp.page.close().catch(() => {});
      }
      this.leases--;
      if (this.leases === 0) this.armIdle();
    }
  }

  /** Closes the browser context of `key` (a finished sub-agent). */
  async releaseContext(key: string): Promise<void> {
    const e = this.contexts.get(key);
    this.contexts.delete(key);
    if (e) await e.then((x) => x.context.close()).catch(() => {});
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (!this.browser && !this.launching) return;
    this.idleTimer = setTimeout(() => {
      if (this.leases === 0) {
        this.opts.log?.debug('visual: closing idle browser');
        void this.close();
      }
    }, this.idleMs);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const launching = this.launching;
    const browser = this.browser ?? (launching ? await launching.catch(() => undefined) : undefined);
    this.browser = undefined;
    this.contexts.clear();
    if (browser) await browser.close().catch(() => {});
    if (this.userDir) {
      const dir = this.userDir;
      this.userDir = undefined;
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    }
  }
}

let shared: BrowserPool | undefined;
let sharedPath: string | undefined;

/** The process-wide pool (server, tool, CLI). A changed browser path restarts it. */
export function sharedPool(opts: PoolOptions = {}): BrowserPool {
  if (shared && opts.browserPath !== undefined && opts.browserPath !== sharedPath) {
    void shared.close();
    shared = undefined;
  }
  if (!shared) {
    sharedPath = opts.browserPath;
    shared = new BrowserPool(opts);
  }
  return shared;
}

export async function closeSharedPool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.close();
}
