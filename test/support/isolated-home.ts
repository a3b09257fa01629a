// Loaded by mocha before any test file (.mocharc.json `require`): every test, and every server or
// CLI process a test spawns (they inherit this environment), sees a fresh temporary HOME and XDG
// directories, so nothing a test does writes into the real home directory (journals, model
// cache, browser profiles, git config). Removed when mocha exits.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.SWARMCODE_TEST_HOME) {
  const home = mkdtempSync(join(tmpdir(), 'swarmcode-test-home-'));
  const dirs = { XDG_CONFIG_HOME: '.config', XDG_CACHE_HOME: '.cache', XDG_DATA_HOME: '.local/share', XDG_STATE_HOME: '.local/state' };
  for (const [key, rel] of Object.entries(dirs)) {
    mkdirSync(join(home, rel), { recursive: true });
    process.env[key] = join(home, rel);
  }
  // Git needs an identity for the commits tests make; the real ~/.gitconfig is out of reach now.
  process.env.GIT_AUTHOR_NAME ??= 'SwarmCode Test';
  process.env.GIT_AUTHOR_EMAIL ??= 'test@swarmcode.invalid';
  process.env.GIT_COMMITTER_NAME ??= 'SwarmCode Test';
  process.env.GIT_COMMITTER_EMAIL ??= 'test@swarmcode.invalid';
  process.env.HOME = home;
  process.env.USERPROFILE = home;
  process.env.SWARMCODE_TEST_HOME = home;
  process.on('exit', () => rmSync(home, { recursive: true, force: true }));
}
