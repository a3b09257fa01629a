// The visual loop's speed and localisation accuracy on the 40 Design2Code pages.
//   npx tsx bench/visual/index.ts        (BENCH_PAGES=N to use fewer pages;
//   BENCH_PARTS=iteration,throughput,localisation to run only some tables)
// Prints: warm iteration time (render + screenshot + compare) at 1280×800, median and p95,
// next to its parts measured in the same run; pages/s with 1, 4 and 8 parallel browser
// contexts; localisation accuracy over pages × {move, recolour, remove}.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { BrowserPool, compareRendered, decodePng, diffImages, renderToPng, type Box, type RgbaImage } from '../../server/visual';
import { findBrowser } from '../../server/visual/browser-path';
import { crop } from '../../server/visual/png';
import { iou, overlaps } from '../../server/visual/regions';
import { fmt, percentile, printTable } from '../table';
import { perturb, pickElement, PERTURBATIONS, type Perturbation } from './perturb';

const ROOT = resolve(__dirname, '../..');
const DATA = [join(ROOT, '../shared/eval/design2code'), '/work/shared/eval/design2code'].find((d) => existsSync(d));
const VIEWPORT = { width: 1280, height: 800 };
const PARTS = new Set((process.env.BENCH_PARTS ?? 'iteration,throughput,localisation').split(','));

function pages(): string[] {
  if (!DATA) throw new Error('design2code data not found (../shared/eval/design2code)');
  const all = readdirSync(DATA)
    .filter((f) => f.endsWith('.html'))
    .sort((a, b) => parseInt(a) - parseInt(b))
    .map((f) => join(DATA, f));
  return all.slice(0, Number(process.env.BENCH_PAGES ?? all.length));
}

function target(file: string): RgbaImage {
  const img = decodePng(readFileSync(file.replace(/\.html$/, '.png')));
  return crop(img, { x: 0, y: 0, width: VIEWPORT.width, height: Math.min(img.height, VIEWPORT.height) });
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function iterationTimes(pool: BrowserPool, files: string[], targets: Map<string, RgbaImage>) {
  const full: number[] = [];
  const renderOnly: number[] = [];
  const diffOnly: number[] = [];
  for (const f of files.slice(0, 3)) await compareRendered(pool, { target: targets.get(f)!, candidate: { kind: 'html', file: f }, ...VIEWPORT, fullPage: false }); // warm-up
  for (let rep = 0; rep < 2; rep++) {
    for (const f of files) {
      let t0 = process.hrtime.bigint();
      await compareRendered(pool, { target: targets.get(f)!, candidate: { kind: 'html', file: f }, ...VIEWPORT, fullPage: false });
      full.push(ms(t0));
      t0 = process.hrtime.bigint();
      const r = await renderToPng(pool, { kind: 'html', file: f }, { viewport: VIEWPORT });
      renderOnly.push(ms(t0));
      const cand = decodePng(r.png);
      t0 = process.hrtime.bigint();
      diffImages(targets.get(f)!, cand);
      diffOnly.push(ms(t0));
    }
  }
  return { full, renderOnly, diffOnly };
}

async function throughput(pool: BrowserPool, files: string[], targets: Map<string, RgbaImage>, workers: number): Promise<number> {
  const queue = [...files];
  // Warm every context first (its page is then reused).
  await Promise.all(Array.from({ length: workers }, (_, w) => renderToPng(pool, { kind: 'html', html: '<p>warm</p>' }, { viewport: VIEWPORT, contextKey: `tp${workers}-${w}` })));
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        await compareRendered(pool, { target: targets.get(f)!, candidate: { kind: 'html', file: f }, ...VIEWPORT, fullPage: false, contextKey: `tp${workers}-${w}` });
      }
    }),
  );
  const secs = ms(t0) / 1000;
  for (let w = 0; w < workers; w++) await pool.releaseContext(`tp${workers}-${w}`);
  return files.length / secs;
}

interface Trial {
  page: string;
  kind: Perturbation;
  found: boolean;
  named: boolean;
  skipped?: boolean;
}

async function localisation(pool: BrowserPool, files: string[]): Promise<Trial[]> {
  const trials: Trial[] = [];
  const jobs = files.flatMap((f, i) => PERTURBATIONS.map((kind, k) => ({ f, kind, seed: 1000 * i + 17 * k + 1 })));
  const workers = 2;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const { f, kind, seed } = job;
        let before: Box | undefined;
        let skipped = false;
        const res = await compareRendered(pool, {
          targetSource: { kind: 'html', file: f },
          candidate: { kind: 'html', file: f },
          ...VIEWPORT,
          fullPage: false,
          contextKey: `loc-${w}`,
          beforeCapture: async (rp) => {
            const sel = await pickElement(rp.page, seed, VIEWPORT);
            if (!sel) skipped = true;
            else before = await perturb(rp.page, sel, kind);
          },
        });
        const page = f.replace(/^.*\//, '');
        if (skipped || !before) {
          trials.push({ page, kind, found: false, named: false, skipped: true });
          continue;
        }
        const top = res.regions[0];
        const found = !!top && overlaps(top, before);
        const named = !!top && [top.candidate?.box, top.target?.box].some((b) => b && iou(b, before!) >= 0.5);
        trials.push({ page, kind, found, named });
      }
    }),
  );
  return trials;
}

/** The browsers to time the iteration with: the one the pool picks, then full Chromium as the baseline. */
function browsers(): string[] {
  const picked = findBrowser();
  return [picked, ...['/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((b) => b !== picked && existsSync(b)).slice(0, 1)];
}

async function coldRender(browserPath: string, file: string): Promise<number> {
  const pool = new BrowserPool({ idleMs: 60_000, browserPath });
  try {
    const t0 = process.hrtime.bigint();
    await renderToPng(pool, { kind: 'html', file }, { viewport: VIEWPORT });
    return ms(t0);
  } finally {
    await pool.close();
  }
}

async function main() {
  const files = pages();
  const targets = new Map(files.map((f) => [f, target(f)]));
  const pool = new BrowserPool({ idleMs: 60_000 });
  try {
    process.stdout.write(`visual bench: ${files.length} pages from ${DATA}, viewport 1280×800, ${cpus().length} CPU(s)\n`);

    if (PARTS.has('iteration')) {
      const rows: (string | number)[][] = [['browser', 'step', 'n', 'median', 'p95']];
      for (const browserPath of browsers()) {
        const coldMs = await coldRender(browserPath, files[0]);
        const own = new BrowserPool({ idleMs: 60_000, browserPath });
        try {
          const it = await iterationTimes(own, files, targets);
          const name = basename(browserPath);
          rows.push(
            [name, 'render + screenshot + compare (full iteration)', it.full.length, fmt(percentile(it.full, 50)), fmt(percentile(it.full, 95))],
            [name, '  baseline: render + screenshot only', it.renderOnly.length, fmt(percentile(it.renderOnly, 50)), fmt(percentile(it.renderOnly, 95))],
            [name, '  baseline: compare only (pixelmatch + SSIM + regions)', it.diffOnly.length, fmt(percentile(it.diffOnly, 50)), fmt(percentile(it.diffOnly, 95))],
            [name, 'cold first render (browser launch included)', 1, fmt(coldMs), '–'],
          );
        } finally {
          await own.close();
        }
      }
      printTable('Warm iteration at 1280×800 (ms; goal: full iteration ≤ 150 ms median)', rows);
    }
    if (PARTS.has('throughput')) {
      const rows: (string | number)[][] = [['parallel contexts', 'pages/s', 'speed-up vs 1']];
      let one = 0;
      for (const k of [1, 4, 8]) {
        const pps = await throughput(pool, files, targets, k);
        if (k === 1) one = pps;
        rows.push([k, fmt(pps, 2), `${fmt(pps / one, 2)}×`]);
      }
      printTable(`Throughput (full iteration per page, ${files.length} pages)`, rows);
    }
    if (!PARTS.has('localisation')) return;

    const t0 = process.hrtime.bigint();
    const trials = await localisation(pool, files);
    const locMs = ms(t0);
    const arows: (string | number)[][] = [['perturbation', 'trials', 'top region overlaps element', 'element named (IoU ≥ 0.5)']];
    for (const kind of [...PERTURBATIONS, 'all'] as const) {
      const ts = trials.filter((t) => !t.skipped && (kind === 'all' || t.kind === kind));
      const pct = (n: number) => `${fmt((100 * n) / Math.max(1, ts.length))}%`;
      arows.push([kind, ts.length, pct(ts.filter((t) => t.found).length), pct(ts.filter((t) => t.named).length)]);
    }
    printTable(`Localisation accuracy (${files.length} pages × ${PERTURBATIONS.length} perturbations, ${fmt(locMs / 1000)} s)`, arows);
    const missed = trials.filter((t) => !t.skipped && !t.found).map((t) => `${t.page}/${t.kind}`);
    if (missed.length) process.stdout.write(`missed: ${missed.join(', ')}\n`);
    const skipped = trials.filter((t) => t.skipped).length;
    if (skipped) process.stdout.write(`skipped (no suitable element in the viewport): ${skipped}\n`);
  } finally {
    await pool.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 1;
});
