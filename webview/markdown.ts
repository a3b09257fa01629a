// Markdown → sanitized DOM. Model output must never run script: every render goes through DOMPurify.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { highlight } from './highlight';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const FORBID_TAGS = [
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'style', 'link', 'meta', 'base',
  'form', 'input', 'button', 'textarea', 'select', 'option', 'svg', 'math', 'template', 'audio', 'video', 'source',
];
const FORBID_ATTR = ['style', 'srcset', 'action', 'formaction', 'xlink:href', 'ping', 'target'];
/** Links: http(s), mailto, and plain relative paths (opened as workspace files), also as path:line (a dot or slash in the path, so never scheme:digits). Images: data: only (CSP blocks the rest anyway). */
const SAFE_LINK = /^(?:https?:|mailto:|#|[^:]*$|[^:]*[./][^:]*:\d+$)/i;
const SAFE_IMG = /^data:image\/(?:png|jpe?g|gif|webp);base64,/i;

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
    // No event handlers, whatever DOMPurify's defaults are.
    if (/^on/i.test(data.attrName)) data.keepAttr = false;
  });
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (el.tagName === 'A') {
      const href = el.getAttribute('href') ?? '';
      if (!SAFE_LINK.test(href.trim())) el.removeAttribute('href');
      el.setAttribute('rel', 'noopener noreferrer');
    } else if (el.tagName === 'IMG') {
      const src = el.getAttribute('src') ?? '';
      if (!SAFE_IMG.test(src.trim())) {
        el.removeAttribute('src');
        el.classList.add('md-img-blocked');
      }
    }
  });
}

/** Renders markdown to sanitized HTML (a string safe to assign to innerHTML). */
export function renderMarkdown(src: string): string {
  installHooks();
  const html = marked.parse(src) as string;
  return DOMPurify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  });
}

/** What a fence's info string says: the language and a file path (```ts src/a.ts, ```ts:src/a.ts, ```src/a.ts). */
export function parseInfo(info: string): { lang: string; path?: string } {
  const [first = '', second] = info.trim().split(/\s+/);
  const colon = /^([\w+#-]+):(\S+)$/.exec(first);
  if (colon) return { lang: colon[1], path: colon[2] };
  const looksLikePath = (w: string | undefined) => !!w && /[./]/.test(w) && /^[\w@./-]+$/.test(w) && !w.startsWith('/') && !w.split('/').includes('..');
  if (looksLikePath(first) && first.includes('/')) return { lang: first.slice(first.lastIndexOf('.') + 1), path: first };
  return { lang: first, ...(looksLikePath(second) ? { path: second } : {}) };
}

/** The info strings of the fenced code blocks in `src`, with their text, in document order. */
function fenceInfos(src: string): { info: string; text: string }[] {
  const out: { info: string; text: string }[] = [];
  marked.walkTokens(marked.lexer(src), (t) => {
    if (t.type === 'code') out.push({ info: (t as { lang?: string }).lang ?? '', text: (t as { text: string }).text });
  });
  return out;
}

function button(cls: string, text: string, title: string): HTMLButtonElement {
  const btn = document.createElement('button');
  btn.className = cls;
  btn.type = 'button';
  btn.textContent = text;
  btn.title = title;
  return btn;
}

/**
 * Renders markdown into a sanitized fragment. Code blocks are highlighted (webview/highlight.ts:
 * class names only) and get Copy / Insert / Apply buttons; a path in the fence's info string is
 * kept on the block as its apply target.
 */
export function renderFragment(src: string): DocumentFragment {
  const tpl = document.createElement('template');
  tpl.innerHTML = renderMarkdown(src);
  const pres = [...tpl.content.querySelectorAll('pre')];
  const infos = pres.some((p) => p.querySelector('code')) ? fenceInfos(src) : [];
  for (const pre of pres) {
    const code = pre.querySelector('code');
    if (code) {
      const text = code.textContent ?? '';
      const i = infos.findIndex((f) => f.text.replace(/\n$/, '') === text.replace(/\n$/, ''));
      const info = i >= 0 ? parseInfo(infos.splice(i, 1)[0].info) : { lang: /(?:^|\s)language-(\S+)/.exec(code.className)?.[1] ?? '' };
      code.replaceChildren(highlight(text, info.lang));
      if (info.path) pre.dataset.path = info.path;
      if (info.lang) pre.dataset.lang = info.lang;
    }
    const bar = document.createElement('div');
    bar.className = 'code-actions';
    bar.append(
      button('code-copy', 'Copy', 'Copy code'),
      button('code-insert', 'Insert', 'Insert at the cursor of the editor (replaces its selection)'),
      button('code-apply', 'Apply', pre.dataset.path ? `Apply to ${pre.dataset.path} (shown as a diff preview first)` : 'Apply to the active file (shown as a diff preview first)'),
    );
    pre.classList.add('has-copy');
    pre.append(bar);
  }
  return tpl.content;
}
