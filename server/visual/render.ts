// One entry point for both renderers: a source → a loaded page → a PNG.
import { extname } from 'node:path';
import type { BrowserPool, RenderPage } from './browser-pool';
import { capture, loadPage, DEFAULT_VIEWPORT, type PreparedPage, type Viewport } from './page-load';
import { prepareHtmlFile, prepareHtmlString } from './render-html';
import { prepareReact } from './render-react';

export type TargetKind = 'html' | 'react';

export type RenderSource =
  | { kind: 'html'; file: string }
  | { kind: 'html'; html: string; baseDir?: string }
  | { kind: 'react'; file: string }
  | { kind: 'react'; code: string; resolveDir?: string };

export interface RenderOptions {
  viewport?: Viewport;
  /** Screenshot the whole scrollable page instead of the viewport. */
  fullPage?: boolean;
  timeoutMs?: number;
  /** Browser context to use (one per sub-agent / caller). Default "default". */
  contextKey?: string;
}

export interface RenderResult {
  png: Buffer;
  /** URLs the page tried to load and was refused. */
  blocked: string[];
}

/** html for .html/.htm, react for .tsx/.jsx/.ts/.js. */
export function kindOfPath(path: string): TargetKind {
  const ext = extname(path).toLowerCase();
  return ext === '.tsx' || ext === '.jsx' || ext === '.ts' || ext === '.js' ? 'react' : 'html';
}

/** A source object for code text of either kind, resolving assets against `dir`. */
export function sourceFromCode(kind: TargetKind, code: string, dir?: string): RenderSource {
  return kind === 'react' ? { kind, code, resolveDir: dir } : { kind, html: code, baseDir: dir };
}

export function prepareSource(src: RenderSource): Promise<PreparedPage> {
  if (src.kind === 'react') return prepareReact('file' in src ? { file: src.file } : { code: src.code, resolveDir: src.resolveDir });
  return 'file' in src ? prepareHtmlFile(src.file) : prepareHtmlString(src.html, src.baseDir);
}

/** Loads `src` into a pooled page and runs `fn` on it while the DOM is live. */
export async function withRendered<T>(
  pool: BrowserPool,
  src: RenderSource,
  opts: RenderOptions,
  fn: (rp: RenderPage) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const prepared = await prepareSource(src);
  try {
    return await pool.withPage(
      opts.contextKey ?? 'default',
      async (rp) => {
        await loadPage(rp, prepared, { viewport: opts.viewport ?? DEFAULT_VIEWPORT, timeoutMs: opts.timeoutMs }, signal);
        return fn(rp);
      },
      signal,
    );
  } finally {
    await prepared.cleanup();
  }
}

/** Renders `src` to a PNG. */
export function renderToPng(pool: BrowserPool, src: RenderSource, opts: RenderOptions = {}, signal?: AbortSignal): Promise<RenderResult> {
  return withRendered(pool, src, opts, async (rp) => ({ png: await capture(rp, opts.fullPage), blocked: [...rp.blocked] }), signal);
}
