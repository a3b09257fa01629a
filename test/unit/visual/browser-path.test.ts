// Finding a system browser: override, environment, well-known paths, and the install hint.
import { strict as assert } from 'node:assert';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserNotFoundError, findBrowser } from '../../../server/visual/browser-path';

describe('findBrowser', () => {
  let dir: string;
  let fake: string;
  const saved = { a: process.env.SWARMCODE_BROWSER, b: process.env.PUPPETEER_EXECUTABLE_PATH };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmcode-bp-'));
    fake = join(dir, 'chrome');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o755);
    await writeFile(join(dir, 'not-executable'), '');
    delete process.env.SWARMCODE_BROWSER;
    delete process.env.PUPPETEER_EXECUTABLE_PATH;
  });
  after(async () => {
    if (saved.a !== undefined) process.env.SWARMCODE_BROWSER = saved.a;
    if (saved.b !== undefined) process.env.PUPPETEER_EXECUTABLE_PATH = saved.b;
    await rm(dir, { recursive: true, force: true });
  });

  it('uses an explicit override and refuses a bad one with the hint', () => {
    assert.equal(findBrowser(fake, []), fake);
    assert.throws(() => findBrowser(join(dir, 'missing'), [fake]), (e: Error) => e instanceof BrowserNotFoundError && /swarmcode\.browserPath/.test(e.message));
  });

  it('takes the first executable well-known path, then fails with an install hint', () => {
    assert.equal(findBrowser(undefined, [join(dir, 'missing'), join(dir, 'not-executable'), fake]), fake);
    assert.throws(() => findBrowser(undefined, [join(dir, 'missing')]), (e: Error) => e instanceof BrowserNotFoundError && /apt-get install chromium/.test(e.message));
  });

  it('honours SWARMCODE_BROWSER', () => {
    process.env.SWARMCODE_BROWSER = fake;
    try {
      assert.equal(findBrowser(undefined, []), fake);
    } finally {
      delete process.env.SWARMCODE_BROWSER;
    }
  });
});
