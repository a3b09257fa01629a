// render_compare: renders an HTML or React (TSX) file in headless Chromium and compares it
// with a target image; returns the visual report (score, SSIM, differing regions and the
// elements behind them).
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { defineTool, ToolError } from './types';
import { BrowserNotFoundError, compareRendered, formatReport, kindOfPath, sharedPool, sourceFromCode, type RenderSource } from '../visual';
import { regionCrops } from '../visual/report';
import { RenderError } from '../visual/render-react';
import { ImageFormatError } from '../visual/png';

export const renderCompare = defineTool({
  name: 'render_compare',
  description:
    'Render an HTML file or a React TSX component (default export) in a headless browser and compare it ' +
    'with a target image (PNG, JPEG or WebP). Returns a score in [0, 1] (1 = identical), SSIM, pixel ' +
    'mismatch and the differing regions, largest first, each with the element behind it (CSS selector, ' +
    'box, key computed styles) and the mean colours of target and render. Network access is blocked; ' +
    'only files next to the page load.',
  parameters: z.object({
    path: z.string().describe('Workspace-relative path of the .html or .tsx/.jsx file to render'),
    target_image: z.string().describe('Workspace-relative path of the target screenshot or design'),
    width: z.number().int().min(16).max(4096).optional().describe('Viewport width in px (default: the target image width)'),
    height: z.number().int().min(16).max(4096).optional().describe('Viewport height in px (default: min(target height, 800))'),
  }),
  mutating: false,
  async run(args, ctx, signal) {
    const file = await ctx.workspace.resolve(args.path);
    const imagePath = await ctx.workspace.resolve(args.target_image);
    const target = await readFile(imagePath).catch(() => {
      throw new ToolError(`cannot read the target image ${args.target_image}`);
    });
    const kind = kindOfPath(file);
    const dirty = ctx.workspace.documents.isDirty(file) ? ctx.workspace.documents.get(file) : undefined;
    // Unsaved editor buffers win over the file on disk.
    const candidate: RenderSource =
      dirty !== undefined ? sourceFromCode(kind, dirty, dirname(file)) : kind === 'react' ? { kind: 'react', file } : { kind: 'html', file };
    try {
      const res = await compareRendered(
        sharedPool(),
        { target, candidate, width: args.width, height: args.height, contextKey: `${ctx.runId}:${ctx.agentId}` },
        signal,
      );
      const text = `${ctx.workspace.relative(file)} vs ${ctx.workspace.relative(imagePath)}\n${formatReport(res)}`;
      // The largest differing regions as target/render crop pairs, for a model that sees images.
      const images = regionCrops(res, 3).flatMap((c) => [
        { type: 'image' as const, mimeType: 'image/png', data: c.target.toString('base64') },
        { type: 'image' as const, mimeType: 'image/png', data: c.candidate.toString('base64') },
      ]);
      return images.length ? { text: `${text}\nAttached: target and render crops of the ${images.length / 2} largest regions, in that order.`, images } : text;
    } catch (e) {
      if (e instanceof RenderError || e instanceof ImageFormatError || e instanceof BrowserNotFoundError) throw new ToolError(e.message);
      if (e instanceof Error && /net::ERR_|Timeout|timed out|Evaluation failed/.test(e.message)) throw new ToolError(`rendering failed: ${e.message}`);
      throw e;
    }
  },
});
