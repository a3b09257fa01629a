// Finds a system Chromium / Chrome / Edge for puppeteer-core (nothing is downloaded).
import { accessSync, constants } from 'node:fs';

export class BrowserNotFoundError extends Error {
  override name = 'BrowserNotFoundError';
}

export const BROWSER_INSTALL_HINT =
  'Install Chromium, Google Chrome or Microsoft Edge ' +
  '(Debian/Ubuntu: `sudo apt-get install chromium`, or `chromium-headless-shell` for faster renders; Fedora: `sudo dnf install chromium`; ' +
  'macOS: `brew install --cask chromium`), or point the `swarmcode.browserPath` setting ' +
  '(CLI: the SWARMCODE_BROWSER environment variable) at a Chromium-based browser executable.';

/**
 * Well-known install locations, most preferred first. Chromium's headless shell (Debian:
 * `chromium-headless-shell`) comes first: built for automation, it loads and screenshots a page
 * about a third faster than the full browser in headless mode and starts in a third of the time
 * (docs/benchmarks.md, bench/visual).
 */
export const BROWSER_CANDIDATES: readonly string[] = [
  '/usr/bin/chromium-headless-shell',
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/microsoft-edge',
  '/usr/bin/microsoft-edge-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
];

function executable(path: string): boolean {
  try {
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser to launch: an explicit override (setting), then SWARMCODE_BROWSER /
 * PUPPETEER_EXECUTABLE_PATH, then the well-known locations. Throws BrowserNotFoundError
 * with an install hint when nothing usable exists.
 */
export function findBrowser(override?: string, candidates: readonly string[] = BROWSER_CANDIDATES): string {
  if (override) {
    if (executable(override)) return override;
    throw new BrowserNotFoundError(`The configured browser "${override}" does not exist or is not executable. ${BROWSER_INSTALL_HINT}`);
  }
  for (const env of [process.env.SWARMCODE_BROWSER, process.env.PUPPETEER_EXECUTABLE_PATH]) {
    if (env && executable(env)) return env;
  }
  for (const c of candidates) if (executable(c)) return c;
  throw new BrowserNotFoundError(`No Chromium-based browser was found (looked in ${candidates.slice(0, 7).join(', ')}, ...). ${BROWSER_INSTALL_HINT}`);
}
