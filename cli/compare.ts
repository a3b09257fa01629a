// `swarmcode compare --target PNG --candidate FILE`: renders the candidate in-process and
// compares it with the target image; a text report, or `--json`
// {score, pixelMismatch, ssim, regions: [{x, y, width, height, selector?}]}.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliCommand } from './commands';
import { BrowserPool, compareJson, compareRendered, formatReport, heatmapPng, kindOfPath } from '../server/visual';
import { intOption, parseVisualArgs, reportError, VisualUsageError } from './visual-args';

const USAGE = 'swarmcode compare --target PNG --candidate FILE [--width W] [--height H] [--json] [--heatmap PNG] [--browser PATH]';

/** The parser's options (plus --browser); cli/help.ts describes each. */
export const COMPARE_OPTIONS = {
  target: { type: 'string' },
  candidate: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  json: { type: 'boolean' },
  heatmap: { type: 'string' },
} as const;

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'Compare a rendered HTML/TSX file with a target image: score, SSIM, differing regions',
  usage: USAGE,
  async run(argv) {
    let pool: BrowserPool | undefined;
    try {
      const { values, positionals } = parseVisualArgs(argv, COMPARE_OPTIONS);
      if (positionals.length) throw new VisualUsageError(`unexpected argument ${positionals[0]}`);
      if (!values.target || !values.candidate) throw new VisualUsageError('--target and --candidate are required');
      const width = intOption('width', values.width);
      const height = intOption('height', values.height);
      const target = await readFile(resolve(values.target as string)).catch((e: Error) => {
        throw new VisualUsageError(`--target: ${e.message}`);
      });
      const file = resolve(values.candidate as string);
      const kind = kindOfPath(file);
      pool = new BrowserPool({ browserPath: values.browser as string | undefined, idleMs: 1_000 });
      const res = await compareRendered(pool, { target, candidate: kind === 'react' ? { kind, file } : { kind, file }, width, height });
      if (values.heatmap) await writeFile(resolve(values.heatmap as string), heatmapPng(res));
      process.stdout.write(values.json ? JSON.stringify(compareJson(res)) + '\n' : formatReport(res) + '\n');
      return 0;
    } catch (e) {
      return reportError('compare', USAGE, e);
    } finally {
      await pool?.close();
    }
  },
};
