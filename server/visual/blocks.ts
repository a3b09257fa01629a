// Design2Code-style block scores (Si et al. 2024): text blocks of the target and the
// candidate are matched by text similarity, then scored on
//   block    – matched block area / all block area (both pages),
//   text     – mean text similarity of matched pairs (Sørensen–Dice on character bigrams),
//   position – mean 1 − max(|Δcx|/W, |Δcy|/H) of the matched pairs' centres,
//   colour   – mean 1 − CIEDE2000(ΔE)/100 of the matched pairs' text colours.
// Matching is greedy (best similarity first, ≥ 0.5), not the paper's Hungarian matching.
import type { TextBlock } from './dom';

export interface BlockScores {
  block: number;
  text: number;
  position: number;
  color: number;
  matched: number;
  targetBlocks: number;
  candidateBlocks: number;
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  const t = s.toLowerCase();
  for (let i = 0; i < t.length - 1; i++) {
    const g = t.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

export function textSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return a.toLowerCase() === b.toLowerCase() ? 1 : 0;
  const A = bigrams(a);
  const B = bigrams(b);
  let common = 0;
  for (const [g, n] of A) common += Math.min(n, B.get(g) ?? 0);
  return (2 * common) / (a.length - 1 + (b.length - 1));
}

export function parseCssColor(c: string): [number, number, number] {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(c);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

function toLab([r, g, b]: [number, number, number]): [number, number, number] {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const R = lin(r), G = lin(g), B = lin(b);
  const X = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047;
  const Y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const Z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
}

/** CIEDE2000 colour difference of two sRGB colours. */
export function ciede2000(c1: [number, number, number], c2: [number, number, number]): number {
  const [L1, a1, b1] = toLab(c1);
  const [L2, a2, b2] = toLab(c2);
  const rad = Math.PI / 180;
  const C1 = Math.hypot(a1, b1), C2 = Math.hypot(a2, b2);
  const Cb = (C1 + C2) / 2;
  const G = 0.5 * (1 - Math.sqrt(Cb ** 7 / (Cb ** 7 + 25 ** 7)));
  const a1p = (1 + G) * a1, a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1), C2p = Math.hypot(a2p, b2);
  const hp = (a: number, b: number) => (a === 0 && b === 0 ? 0 : (Math.atan2(b, a) / rad + 360) % 360);
  const h1p = hp(a1p, b1), h2p = hp(a2p, b2);
  const dLp = L2 - L1, dCp = C2p - C1p;
  let dhp = 0;
  if (C1p * C2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(C1p * C2p) * Math.sin((dhp / 2) * rad);
  const Lbp = (L1 + L2) / 2, Cbp = (C1p + C2p) / 2;
  let hbp = h1p + h2p;
  if (C1p * C2p !== 0) {
    if (Math.abs(h1p - h2p) > 180) hbp = h1p + h2p < 360 ? (h1p + h2p + 360) / 2 : (h1p + h2p - 360) / 2;
    else hbp = (h1p + h2p) / 2;
  }
  const T = 1 - 0.17 * Math.cos((hbp - 30) * rad) + 0.24 * Math.cos(2 * hbp * rad) + 0.32 * Math.cos((3 * hbp + 6) * rad) - 0.2 * Math.cos((4 * hbp - 63) * rad);
  const dTheta = 30 * Math.exp(-(((hbp - 275) / 25) ** 2));
  const Rc = 2 * Math.sqrt(Cbp ** 7 / (Cbp ** 7 + 25 ** 7));
  const Sl = 1 + (0.015 * (Lbp - 50) ** 2) / Math.sqrt(20 + (Lbp - 50) ** 2);
  const Sc = 1 + 0.045 * Cbp;
  const Sh = 1 + 0.015 * Cbp * T;
  const Rt = -Math.sin(2 * dTheta * rad) * Rc;
  return Math.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2 + Rt * (dCp / Sc) * (dHp / Sh));
}

/** Block scores of `candidate` against `target`, for pages of size width×height. */
export function blockScores(target: TextBlock[], candidate: TextBlock[], width: number, height: number): BlockScores {
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < target.length; i++) {
    for (let j = 0; j < candidate.length; j++) {
      const s = textSimilarity(target[i].text, candidate[j].text);
      if (s >= 0.5) pairs.push([s, i, j]);
    }
  }
  pairs.sort((a, b) => b[0] - a[0]);
  const usedT = new Set<number>(), usedC = new Set<number>();
  let text = 0, position = 0, color = 0, matchedArea = 0, n = 0;
  for (const [s, i, j] of pairs) {
    if (usedT.has(i) || usedC.has(j)) continue;
    usedT.add(i);
    usedC.add(j);
    const a = target[i], b = candidate[j];
    text += s;
    const dx = Math.abs(a.box.x + a.box.width / 2 - (b.box.x + b.box.width / 2)) / Math.max(1, width);
    const dy = Math.abs(a.box.y + a.box.height / 2 - (b.box.y + b.box.height / 2)) / Math.max(1, height);
    position += 1 - Math.min(1, Math.max(dx, dy));
    color += 1 - Math.min(1, ciede2000(parseCssColor(a.color), parseCssColor(b.color)) / 100);
    matchedArea += a.box.width * a.box.height + b.box.width * b.box.height;
    n++;
  }
  const allArea = [...target, ...candidate].reduce((s, b) => s + b.box.width * b.box.height, 0);
  const empty = target.length === 0 && candidate.length === 0;
  return {
    block: empty ? 1 : allArea ? matchedArea / allArea : 0,
    text: n ? text / n : empty ? 1 : 0,
    position: n ? position / n : empty ? 1 : 0,
    color: n ? color / n : empty ? 1 : 0,
    matched: n,
    targetBlocks: target.length,
    candidateBlocks: candidate.length,
  };
}
