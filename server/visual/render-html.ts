// HTML/CSS renderer: a file on disk, or a string whose relative assets resolve against baseDir.
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareTempPage, type PreparedPage } from './page-load';

/** Adds `<base href>` so relative asset URLs in a string resolve against `baseDir`. */
export function withBase(html: string, baseDir: string): string {
  if (/<base\s/i.test(html)) return html;
  const tag = `<base href="${pathToFileURL(baseDir).href.replace(/\/?$/, '/')}">`;
  const head = /<head[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  const htmlTag = /<html[^>]*>/i.exec(html);
  if (htmlTag) return html.slice(0, htmlTag.index + htmlTag[0].length) + `<head>${tag}</head>` + html.slice(htmlTag.index + htmlTag[0].length);
  return tag + html;
}

/** An HTML file: loaded in place, it may read files in its own folder and below. */
export async function prepareHtmlFile(file: string): Promise<PreparedPage> {
  const abs = resolve(file);
  return { url: pathToFileURL(abs).href, roots: [dirname(abs)], cleanup: async () => {} };
}

/** An HTML string: written to a temp file; relative assets resolve against `baseDir`. */
export async function prepareHtmlString(html: string, baseDir?: string): Promise<PreparedPage> {
  if (!baseDir) return prepareTempPage(html);
  const abs = resolve(baseDir);
  return prepareTempPage(withBase(html, abs), [abs]);
}
