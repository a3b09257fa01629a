// `swarmcode render FILE --out PNG`: renders an HTML file or a React TSX component in-process.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliCommand } from './commands';
import { BrowserPool, kindOfPath, renderToPng } from '../server/visual';
import { intOption, parseVisualArgs, reportError, VisualUsageError } from './visual-args';

const USAGE = 'swarmcode render FILE --out PNG [--width W] [--height H] [--full-page] [--browser PATH]';

/** The parser's options (plus --browser); cli/help.ts describes each. */
export const RENDER_OPTIONS = {
  out: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  'full-page': { type: 'boolean' },
} as const;

export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'Render an HTML file or React TSX component to a PNG (headless Chromium)',
  usage: USAGE,
  async run(argv) {
    let pool: BrowserPool | undefined;
    try {
      const { values, positionals } = parseVisualArgs(argv, RENDER_OPTIONS);
      if (positionals.length !== 1) throw new VisualUsageError('exactly one FILE is needed');
      if (!values.out) throw new VisualUsageError('--out PNG is required');
      const file = resolve(positionals[0]);
      const width = intOption('width', values.width) ?? 1280;
      const height = intOption('height', values.height) ?? 800;
      pool = new BrowserPool({ browserPath: values.browser as string | undefined, idleMs: 1_000 });
      const kind = kindOfPath(file);
      const res = await renderToPng(pool, kind === 'react' ? { kind, file } : { kind, file }, { viewport: { width, height }, fullPage: !!values['full-page'] });
      await writeFile(resolve(values.out as string), res.png);
      if (res.blocked.length) process.stderr.write(`blocked ${res.blocked.length} network request(s): ${res.blocked.slice(0, 3).join(', ')}\n`);
      return 0;
    } catch (e) {
      return reportError('render', USAGE, e);
    } finally {
      await pool?.close();
    }
  },
};
