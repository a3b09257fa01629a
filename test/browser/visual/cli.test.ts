// `swarmcode render` and `swarmcode compare` as real processes (tsx on cli/main.ts).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodePng } from '../../../server/visual';

const ROOT = resolve(__dirname, '../../..');
const FIX = join(__dirname, 'fixtures');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('error', rej);
    p.on('close', (code) => {
      clearTimeout(t);
      res({ code, stdout, stderr });
    });
  });
}

describe('swarmcode render / compare (real processes, real Chromium)', function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmcode-cli-vis-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('renders a page to a PNG of the asked size, then compares it with itself as identical', async () => {
    const out = join(dir, 'p.png');
    const r = await cli(['render', join(FIX, '1002.html'), '--out', out, '--width', '1024', '--height', '600']);
    assert.equal(r.code, 0, r.stderr);
    const img = decodePng(await readFile(out));
    assert.deepEqual([img.width, img.height], [1024, 600]);
    const c = await cli(['compare', '--target', out, '--candidate', join(FIX, '1002.html'), '--json']);
    assert.equal(c.code, 0, c.stderr);
    const json = JSON.parse(c.stdout);
    assert.deepEqual(json, { score: 1, pixelMismatch: 0, ssim: 1, regions: [] });
  });

  it('compares a different target: JSON shape, regions, heat-map, text report', async () => {
    const heat = join(dir, 'heat.png');
    const target = join(dir, 'react.png');
    assert.equal((await cli(['render', join(FIX, 'react', 'Card.tsx'), '--out', target, '--width', '300', '--height', '200'])).code, 0);
    const j = await cli(['compare', '--target', target, '--candidate', join(FIX, '1002.html'), '--json', '--heatmap', heat]);
    assert.equal(j.code, 0, j.stderr);
    const json = JSON.parse(j.stdout);
    assert.deepEqual(Object.keys(json), ['score', 'pixelMismatch', 'ssim', 'regions']);
    assert.ok(json.score >= 0 && json.score < 1);
    assert.ok(json.regions.length >= 1);
    for (const r of json.regions) assert.deepEqual(Object.keys(r).slice(0, 4), ['x', 'y', 'width', 'height']);
    assert.equal(decodePng(await readFile(heat)).width, 300);
    const t = await cli(['compare', '--target', target, '--candidate', join(FIX, '1002.html')]);
    assert.equal(t.code, 0);
    assert.match(t.stdout, /^score 0\.\d{3} \(1 = identical; SSIM/);
  });

  it('exits 2 on usage errors and on a missing browser, with the install hint', async () => {
    const u = await cli(['compare', '--target', 'x.png']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /usage: swarmcode compare/);
    const b = await cli(['render', join(FIX, '1002.html'), '--out', join(dir, 'x.png'), '--browser', '/nonexistent/chromium']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /apt-get install chromium/);
  });
});
