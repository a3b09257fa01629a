// Fuzzy matching for `@`-mention completion (the Quick Open feel): the query's characters in order,
// case-insensitive; consecutive runs, matches at the start of a path segment or word, and matches in
// the base name score higher; shorter candidates win ties. No match: undefined.

/** Whether code unit `c` separates words in a path: / \\ _ - . and space. */
function isSep(c: number): boolean {
  return c === 47 || c === 92 || c === 95 || c === 45 || c === 46 || c === 32;
}

function isBoundary(text: string, i: number): boolean {
  if (i === 0) return true;
  const prev = text.charCodeAt(i - 1);
  if (isSep(prev)) return true;
  // camelCase hump: a lower-case letter or digit, then an upper-case letter
  const cur = text.charCodeAt(i);
  return cur >= 65 && cur <= 90 && ((prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57));
}

/** Score of `query` against `text` (higher is better), or undefined when it does not match. */
export function fuzzyScore(query: string, text: string): number | undefined {
  return query ? scoreLower(query.toLowerCase(), text, text.toLowerCase()) : 0;
}

/** fuzzyScore with the query and the text already lower-cased (`t`). */
function scoreLower(q: string, text: string, t: string): number | undefined {
  // Cheap reject: every query character in order.
  for (let i = 0, at = 0; i < q.length; i++, at++) {
    at = t.indexOf(q[i], at);
    if (at < 0) return undefined;
  }
  const base = t.lastIndexOf('/') + 1;
  // A contiguous hit is the strongest signal: whole base name, base name prefix, anywhere.
  const exactAt = t.indexOf(q, base);
  if (exactAt === base && t.length - base === q.length) return 10_000 - text.length;
  if (exactAt === base) return 8_000 - text.length;
  if (exactAt >= 0) return 6_000 - text.length + (isBoundary(text, exactAt) ? 500 : 0);
  const anywhere = t.indexOf(q);
  if (anywhere >= 0) return 4_000 - text.length + (isBoundary(text, anywhere) ? 300 : 0);
  // Subsequence: word starts first (`scc` → src/chat/controller), else the leftmost match.
  // (Jumping to word starts can use up characters a later query letter needed: then leftmost.)
  return subsequence(q, t, text, base, true) ?? subsequence(q, t, text, base, false);
}

/** Strings lower-cased once, for many queries (the workspace's paths). */
export class FuzzyIndex<T> {
  private readonly lower: string[];
  private readonly keys: string[];

  constructor(readonly items: readonly T[], key: (item: T) => string) {
    this.keys = items.map(key);
    this.lower = this.keys.map((k) => k.toLowerCase());
  }

  /** The `limit` best items for `query` (stable for equal scores); '' keeps the order. */
  filter(query: string, limit: number): T[] {
    if (!query) return this.items.slice(0, limit);
    const q = query.toLowerCase();
    const scored: { i: number; score: number }[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      const s = scoreLower(q, this.keys[i], this.lower[i]);
      if (s !== undefined) scored.push({ i, score: s });
    }
    scored.sort((a, b) => b.score - a.score || a.i - b.i);
    return scored.slice(0, limit).map((s) => this.items[s.i]);
  }
}

function subsequence(q: string, t: string, text: string, base: number, boundaries: boolean): number | undefined {
  let score = 0;
  let ti = 0;
  let run = 0;
  for (let qi = 0; qi < q.length; qi++) {
    const c = q[qi];
    let found = -1;
    if (qi > 0 && t[ti] === c) found = ti; // continue a run
    else {
      if (boundaries) for (let j = ti; j < t.length && found < 0; j++) if (t[j] === c && isBoundary(text, j)) found = j;
      if (found < 0) found = t.indexOf(c, ti);
    }
    if (found < 0) return undefined;
    run = found === ti && qi > 0 ? run + 1 : 0;
    score += 10 + run * 15 + (isBoundary(text, found) ? 25 : 0) + (found >= base ? 10 : 0);
    ti = found + 1;
  }
  return score - text.length;
}

/** The `limit` best of `items` for `query` (stable for equal scores). */
export function fuzzyFilter<T>(query: string, items: readonly T[], key: (item: T) => string, limit: number): T[] {
  return new FuzzyIndex(items, key).filter(query, limit);
}
