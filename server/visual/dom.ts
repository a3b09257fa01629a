// What the page says about a region: the element behind it (selector, box, key computed
// styles) and its text blocks. The in-page code is plain JavaScript text so that no
// bundler helper leaks into the serialized function.
import type { Page } from 'puppeteer-core';
import type { Box } from './png';

export interface ElementInfo {
  selector: string;
  box: Box;
  text?: string;
  /** Key computed styles, only those that are not defaults. */
  styles: Record<string, string>;
}

export interface TextBlock {
  text: string;
  box: Box;
  /** Computed text colour, rgb(a)(...) */
  color: string;
}

const SHARED_JS = String.raw`
const sx = window.scrollX, sy = window.scrollY;
function rectOf(el) { const r = el.getBoundingClientRect(); return { x: r.left + sx, y: r.top + sy, width: r.width, height: r.height }; }
function visible(el, r) {
  if (r.width < 1 || r.height < 1) return false;
  const cs = getComputedStyle(el);
  return cs.visibility !== 'hidden' && cs.display !== 'none' && cs.opacity !== '0';
}
function esc(s) { return (window.CSS && CSS.escape) ? CSS.escape(s) : s.replace(/[^a-zA-Z0-9_-]/g, '\\$&'); }
function selectorOf(el) {
  const parts = [];
  let cur = el;
  while (cur && cur.nodeType === 1 && parts.length < 4) {
    if (cur.id && document.querySelectorAll('#' + esc(cur.id)).length === 1) { parts.unshift('#' + esc(cur.id)); break; }
    let part = cur.tagName.toLowerCase();
    if (part === 'html' || part === 'body') { parts.unshift(part); break; }
    const cls = Array.from(cur.classList).slice(0, 2).map((c) => '.' + esc(c)).join('');
    part += cls;
    const parent = cur.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.tagName === cur.tagName);
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(cur) + 1) + ')';
    }
    parts.unshift(part);
    cur = parent;
  }
  return parts.join(' > ');
}
`;

// Collecting the visible elements' boxes is most of the cost; it runs while Node diffs the
// pixels, and its result waits in the page for DESCRIBE_JS.
const COLLECT_JS = String.raw`() => {
${SHARED_JS}
  const els = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const r = rectOf(el);
    if (visible(el, r)) els.push([el, r]);
  }
  window.__swarmcodeEls = els;
  return els.length;
}`;

const DESCRIBE_JS = String.raw`(boxes) => {
${SHARED_JS}
  const KEYS = ['color', 'background-color', 'font-size', 'font-weight', 'font-family', 'line-height', 'text-align', 'padding', 'margin', 'border', 'border-radius', 'display', 'position'];
  const DEFAULTS = { 'background-color': 'rgba(0, 0, 0, 0)', 'padding': '0px', 'margin': '0px', 'border-radius': '0px', 'position': 'static', 'text-align': 'start' };
  const els = window.__swarmcodeEls || ((${COLLECT_JS})(), window.__swarmcodeEls);
  delete window.__swarmcodeEls;
  const inter = (a, b) => { const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x); const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y); return w > 0 && h > 0 ? w * h : 0; };
  return boxes.map((b) => {
    let best = null, bestScore = 0;
    for (const [el, r] of els) {
      const i = inter(b, r);
      if (!i) continue;
      const s = i / (b.width * b.height + r.width * r.height - i);
      if (s > bestScore + 1e-9) { best = [el, r]; bestScore = s; }
    }
    if (!best) {
      const el = document.elementFromPoint(b.x + b.width / 2 - sx, b.y + b.height / 2 - sy);
      if (!el) return null;
      best = [el, rectOf(el)];
    }
    const [el, r] = best;
    const cs = getComputedStyle(el);
    const styles = {};
    for (const k of KEYS) {
      let v = cs.getPropertyValue(k);
      if (!v || DEFAULTS[k] === v) continue;
      if (k === 'border' && /^0px/.test(v)) continue;
      if (k === 'font-family') v = v.split(',')[0].trim();
      styles[k] = v;
    }
    const text = (el.innerText || el.getAttribute('alt') || '').replace(/\s+/g, ' ').trim().slice(0, 80);
    const box = { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
    return { selector: selectorOf(el), box, text: text || undefined, styles };
  });
}`;

const BLOCKS_JS = String.raw`() => {
${SHARED_JS}
  const out = [];
  const walker = document.body ? document.body.querySelectorAll('*') : [];
  for (const el of walker) {
    if (el.tagName === 'SCRIPT' || el.tagName === 'STYLE' || el.tagName === 'NOSCRIPT') continue;
    let text = '';
    const range = document.createRange();
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of el.childNodes) {
      if (n.nodeType !== 3 || !n.textContent.trim()) continue;
      text += n.textContent;
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        if (r.width < 1 || r.height < 1) continue;
        x0 = Math.min(x0, r.left + sx); y0 = Math.min(y0, r.top + sy);
        x1 = Math.max(x1, r.right + sx); y1 = Math.max(y1, r.bottom + sy);
      }
    }
    text = text.replace(/\s+/g, ' ').trim();
    if (!text || x1 <= x0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.opacity === '0') continue;
    out.push({ text, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, color: cs.color });
  }
  return out;
}`;

/**
 * Starts collecting the page's visible elements for a later describeBoxes, so the page does it
 * while the caller diffs pixels. Resolves once the request is on its way to the page; the
 * returned promise is the collection itself.
 */
export async function startCollecting(page: Page): Promise<{ done: Promise<unknown> }> {
  const done = page.evaluate(`(${COLLECT_JS})()`).catch(() => undefined);
  // Let puppeteer's microtasks run so the CDP message is written before synchronous work starts.
  await new Promise((r) => setImmediate(r));
  return { done };
}

/** For each box (page coordinates), the element that best overlaps it (IoU), or null. */
export async function describeBoxes(page: Page, boxes: Box[]): Promise<(ElementInfo | null)[]> {
  if (!boxes.length) return [];
  return (await page.evaluate(`(${DESCRIBE_JS})(${JSON.stringify(boxes)})`)) as (ElementInfo | null)[];
}

/** Visible text blocks: each element's own text nodes, their union box and text colour. */
export async function textBlocks(page: Page): Promise<TextBlock[]> {
  return (await page.evaluate(`(${BLOCKS_JS})()`)) as TextBlock[];
}
