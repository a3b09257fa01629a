// Perturbations of one element of a live page (used by the visual tests and the bench).
import type { Page } from 'puppeteer-core';
import type { Box } from '../../server/visual';

export type Perturbation = 'move' | 'recolor' | 'remove';
export const PERTURBATIONS: Perturbation[] = ['move', 'recolor', 'remove'];

const PERTURB_JS = String.raw`(sel, kind) => {
  const el = document.querySelector(sel);
  if (!el) throw new Error('no element ' + sel);
  const r = el.getBoundingClientRect();
  const box = { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
  if (kind === 'move') {
    // transform does not apply to inline boxes: offset static elements relatively instead.
    const cs = getComputedStyle(el);
    if (cs.position === 'static') {
      el.style.setProperty('position', 'relative', 'important');
      el.style.setProperty('left', '48px', 'important');
      el.style.setProperty('top', '24px', 'important');
    } else {
      if (cs.display === 'inline') el.style.setProperty('display', 'inline-block', 'important');
      el.style.setProperty('transform', 'translate(48px, 24px)', 'important');
    }
  } else if (kind === 'recolor') {
    if (el.tagName === 'IMG' || el.tagName === 'SVG' || el.tagName === 'VIDEO' || el.tagName === 'CANVAS') {
      el.style.setProperty('filter', 'invert(1) hue-rotate(90deg)', 'important');
    } else {
      el.style.setProperty('color', '#e4007c', 'important');
      el.style.setProperty('background-color', '#00a86b', 'important');
    }
  } else {
    el.remove();
  }
  return box;
}`;

/** Applies the perturbation; returns the element's box before it. */
export async function perturb(page: Page, selector: string, kind: Perturbation): Promise<Box> {
  return (await page.evaluate(`(${PERTURB_JS})(${JSON.stringify(selector)}, ${JSON.stringify(kind)})`)) as Box;
}

const PICK_JS = String.raw`(seed, vw, vh) => {
  let s = seed >>> 0;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
  const ok = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const a = r.width * r.height;
    if (r.width < 12 || r.height < 10 || a > vw * vh * 0.25) continue;
    if (r.top < 0 || r.left < 0 || r.bottom > vh || r.right > vw) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none' || cs.opacity === '0') continue;
    const leafish = el.tagName === 'IMG' || el.tagName === 'BUTTON' || el.tagName === 'INPUT' ||
      Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim().length > 1);
    if (!leafish) continue;
    ok.push(el);
  }
  if (!ok.length) return null;
  const el = ok[Math.floor(rand() * ok.length)];
  el.setAttribute('data-perturb', '1');
  return '[data-perturb="1"]';
}`;

/** Marks a random visible leaf-ish element inside the viewport; returns its selector. */
export async function pickElement(page: Page, seed: number, viewport: { width: number; height: number }): Promise<string | null> {
  return (await page.evaluate(`(${PICK_JS})(${seed}, ${viewport.width}, ${viewport.height})`)) as string | null;
}
