// React TSX renderer: the component is bundled by esbuild (with React from our own
// node_modules) into a harness page that renders it synchronously into #root.
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { prepareTempPage, type PreparedPage } from './page-load';

export class RenderError extends Error {
  override name = 'RenderError';
}

const VIRTUAL = 'swarmcode-virtual:component';

/** Folder holding our react / react-dom (so components need no node_modules of their own). */
function ourNodeModules(): string {
  const pkg = 'react/package.json'; // resolved at run time, next to the bundle or the sources
  return dirname(dirname(require.resolve(pkg)));
}

function entrySource(component: string): string {
  return [
    `import * as M from ${JSON.stringify(component)};`,
    `import * as React from 'react';`,
    `import { flushSync } from 'react-dom';`,
    `import { createRoot } from 'react-dom/client';`,
    `const C = M.default ?? Object.values(M).find((v) => typeof v === 'function');`,
    `try {`,
    `  if (!C) throw new Error('The module exports no React component (export default function ...).');`,
    `  const fail = (e) => { window.__swarmError = String((e && e.stack) || e); };`,
    `  const root = createRoot(document.getElementById('root'), { onUncaughtError: fail, onRecoverableError: fail });`,
    `  flushSync(() => root.render(React.createElement(C)));`,
    `} catch (e) { window.__swarmError = String(e && e.stack || e); }`,
  ].join('\n');
}

const ASSET_LOADERS = { '.png': 'dataurl', '.jpg': 'dataurl', '.jpeg': 'dataurl', '.gif': 'dataurl', '.webp': 'dataurl', '.svg': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl' } as const;

/** Bundles a TSX component (a file, or `code` resolved against `resolveDir`) into {js, css}. */
export async function bundleReact(src: { file: string } | { code: string; resolveDir?: string }): Promise<{ js: string; css: string }> {
  const esbuild = await import('esbuild');
  const plugins: Plugin[] = [];
  let component: string;
  let resolveDir: string;
  if ('file' in src) {
    component = resolve(src.file);
    resolveDir = dirname(component);
  } else {
    component = VIRTUAL;
    resolveDir = resolve(src.resolveDir ?? process.cwd());
    const code = src.code;
    plugins.push({
      name: 'swarmcode-virtual',
      setup(b) {
        b.onResolve({ filter: /^swarmcode-virtual:component$/ }, () => ({ path: VIRTUAL, namespace: 'swarmcode' }));
        b.onLoad({ filter: /.*/, namespace: 'swarmcode' }, () => ({ contents: code, loader: 'tsx', resolveDir }));
      },
    });
  }
  let result;
  try {
    result = await esbuild.build({
      stdin: { contents: entrySource(component), loader: 'tsx', resolveDir, sourcefile: 'swarmcode-entry.tsx' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      jsx: 'automatic',
      outdir: join(resolveDir, '.swarmcode-out'),
      nodePaths: [ourNodeModules()],
      define: { 'process.env.NODE_ENV': '"production"' },
      loader: { ...ASSET_LOADERS },
      logLevel: 'silent',
      plugins,
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    const msg = errors?.length
      ? errors.map((x) => (x.location ? `${x.location.file}:${x.location.line}: ${x.text}` : x.text)).join('\n')
      : String(e);
    throw new RenderError(`Could not bundle the component:\n${msg}`);
  }
  let js = '';
  let css = '';
  for (const f of result.outputFiles) {
    if (f.path.endsWith('.js')) js += f.text;
    else if (f.path.endsWith('.css')) css += f.text;
  }
  return { js, css };
}

/** The harness page: reset margins, the component's CSS, #root, the bundle. */
export function harnessHtml(js: string, css: string): string {
  const safeJs = js.replace(/<\/script/gi, '<\\/script');
  const safeCss = css.replace(/<\/style/gi, '<\\/style');
  return `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0}</style><style>${safeCss}</style></head><body><div id="root"></div><script>${safeJs}</script></body></html>`;
}

export async function prepareReact(src: { file: string } | { code: string; resolveDir?: string }): Promise<PreparedPage> {
  const { js, css } = await bundleReact(src);
  const dir = 'file' in src ? dirname(resolve(src.file)) : resolve(src.resolveDir ?? process.cwd());
  return prepareTempPage(harnessHtml(js, css), [dir]);
}
