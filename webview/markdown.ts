// Markdown → sanitized DOM. Model output must never run script: every render goes through DOMPurify.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

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

/** Renders markdown into a sanitized fragment, adding copy buttons to code blocks. */
export function renderFragment(src: string): DocumentFragment {
  const tpl = document.createElement('template');
  tpl.innerHTML = renderMarkdown(src);
  for (const pre of tpl.content.querySelectorAll('pre')) {
    const btn = document.createElement('button');
    btn.className = 'code-copy';
    btn.type = 'button';
    btn.textContent = 'Copy';
    btn.title = 'Copy code';
    pre.classList.add('has-copy');
    pre.append(btn);
  }
  return tpl.content;
}
