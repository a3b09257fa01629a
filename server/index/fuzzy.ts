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
  if (!query) return 0;
  const q = query.toLowerCase();
  const t = text.toLowerCase();
  const base = t.lastIndexOf('/') + 1;
  // A contiguous hit is the strongest signal: whole base name, base name prefix, anywhere.
  const exactAt = t.indexOf(q, base);
  if (t.slice(base) === q) return 10_000 - text.length;
  if (exactAt === base) return 8_000 - text.length;
  if (exactAt >= 0) return 6_000 - text.length + (isBoundary(text, exactAt) ? 500 : 0);
  const anywhere = t.indexOf(q);
  if (anywhere >= 0) return 4_000 - text.length + (isBoundary(text, anywhere) ? 300 : 0);
  // Subsequence: word starts first (`scc` → src/chat/controller), else the leftmost match.
  // (Jumping to word starts can use up characters a later query letter needed: then leftmost.)
  return subsequence(q, t, text, base, true) ?? subsequence(q, t, text, base, false);
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
export function fuzzyFilter<T>(query: string, items: Iterable<T>, key: (item: T) => string, limit: number): T[] {
  const scored: { item: T; score: number; i: number }[] = [];
  let i = 0;
  for (const item of items) {
    const s = fuzzyScore(query, key(item));
    if (s !== undefined) scored.push({ item, score: s, i });
    i++;
  }
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.item);
}
