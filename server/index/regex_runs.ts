// What a regex needs at the byte level besides literals: a run of bytes from a set (a
// prefilter for regexes without required literals), and how costly backtracking can get on a
// line (which lines JavaScript may verify, and which are left to ripgrep's linear engine).
import { emitClass } from './regex_emit';
import { UnsupportedRegex, type Node } from './regex_parse';

/** A node that matches only strings of at least `min` bytes, every byte in `set`. */
interface Run {
  pure: boolean;
  set: Uint8Array;
  min: number;
  /** The best run every match contains somewhere (when known). */
  best: { set: Uint8Array; len: number } | null;
}

const HIGH = (set: Uint8Array) => set.fill(1, 0x80);

function charBytes(cp: number, ci: boolean): Uint8Array {
  const set = new Uint8Array(256);
  if (cp >= 0x80) return HIGH(set);
  set[cp] = 1;
  if (ci && /[a-z]/i.test(String.fromCharCode(cp))) {
    set[cp ^ 0x20] = 1;
    if (/[ks]/i.test(String.fromCharCode(cp))) HIGH(set);
  }
  return set;
}

function classBytes(node: Extract<Node, { type: 'class' }>, ci: boolean): Uint8Array {
  const set = new Uint8Array(256);
  const re = new RegExp(emitClass(node.negated, node.items), ci ? 'iu' : 'u');
  for (let b = 0; b < 0x80; b++) if (re.test(String.fromCharCode(b))) set[b] = 1;
  const ascii = node.items.every((it) => it.kind === 'range' && it.hi < 0x80);
  if (node.negated || !ascii || (ci && (set[0x6b] || set[0x73] || set[0x4b] || set[0x53]))) HIGH(set);
  return set;
}

function union(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(256);
  for (let i = 0; i < 256; i++) out[i] = a[i] | b[i];
  return out;
}

function better(a: Run['best'], b: Run['best']): Run['best'] {
  if (!a) return b;
  if (!b) return a;
  return b.len > a.len ? b : a;
}

function pureRun(set: Uint8Array, min: number): Run {
  return { pure: true, set, min, best: min > 0 ? { set, len: min } : null };
}

function runOf(node: Node, ci: boolean): Run {
  switch (node.type) {
    case 'empty':
    case 'assert':
      return pureRun(new Uint8Array(256), 0);
    case 'char':
      return pureRun(charBytes(node.cp, ci), 1);
    case 'any':
      return pureRun(new Uint8Array(256).fill(1).fill(0, 10, 11), 1);
    case 'class':
      return pureRun(classBytes(node, ci), 1);
    case 'group':
      return runOf(node.node, ci);
    case 'repeat': {
      const inner = runOf(node.node, ci);
      if (inner.pure) return pureRun(inner.set, inner.min * node.min);
      return { pure: false, set: inner.set, min: 0, best: node.min > 0 ? inner.best : null };
    }
    case 'alt': {
      const rs = node.options.map((o) => runOf(o, ci));
      if (rs.every((r) => r.pure)) return pureRun(rs.map((r) => r.set).reduce(union), Math.min(...rs.map((r) => r.min)));
      if (rs.some((r) => !r.best)) return { pure: false, set: new Uint8Array(256), min: 0, best: null };
      return { pure: false, set: new Uint8Array(256), min: 0, best: { set: rs.map((r) => r.best!.set).reduce(union), len: Math.min(...rs.map((r) => r.best!.len)) } };
    }
    case 'concat': {
      let cur = pureRun(new Uint8Array(256), 0);
      let best: Run['best'] = null;
      let pure = true;
      for (const part of node.parts) {
        const r = runOf(part, ci);
        if (r.pure) {
          cur = pureRun(union(cur.set, r.set), cur.min + r.min);
          continue;
        }
        pure = false;
        best = better(better(best, cur.best), r.best);
        cur = pureRun(new Uint8Array(256), 0);
      }
      if (pure) return cur;
      return { pure: false, set: cur.set, min: 0, best: better(best, cur.best) };
    }
  }
}

/** A run worth scanning for: narrow enough to skip ordinary text. */
export function usefulRun(node: Node, ci: boolean): { set: Uint8Array; len: number } | undefined {
  const best = runOf(node, ci).best;
  if (!best) return undefined;
  let printable = 0;
  for (let b = 0x20; b < 0x7f; b++) printable += best.set[b];
  return printable <= 64 ? best : undefined;
}


/**
 * Backtracking cost model of a regex with unbounded repetition on one line: at most
 * `entries × R^power` steps, R the longest run of bytes in `set` (what the repeats can eat),
 * entries the occurrences of `prefix` (the literal before the first repeat) or, without one,
 * the bytes in `set`. Regexes with a repeat nested in an unbounded repeat are refused.
 */
export interface Risk {
  set: Uint8Array;
  prefix: string;
  power: number;
  /** The bytes each unbounded repeat can eat, 256 per repeat. */
  sets: Uint8Array;
}

const ALL_BYTES = () => new Uint8Array(256).fill(1);

function ambiguous(node: Node): boolean {
  switch (node.type) {
    case 'repeat': return node.max > 1 || ambiguous(node.node);
    case 'alt': return true;
    case 'group': return ambiguous(node.node);
    case 'concat': return node.parts.some(ambiguous);
    default: return false;
  }
}

export function riskOf(root: Node, ci: boolean): Risk | undefined {
  const set = new Uint8Array(256);
  const each: Uint8Array[] = [];
  let power = 0;
  // `times`: how often the node can occur in one match (bounded repeats multiply it).
  const walk = (node: Node, times: number): void => {
    switch (node.type) {
      case 'repeat':
        if (node.max === Infinity) {
          if (ambiguous(node.node)) throw new UnsupportedRegex('nested repetition (exponential backtracking)');
          const r = runOf(node.node, ci);
          const s = r.pure && times <= 16 ? r.set : ALL_BYTES();
          for (let b = 0; b < 256; b++) set[b] |= s[b];
          for (let k = 0; k < Math.min(times, 16); k++) each.push(s);
          power += Math.min(times, 16);
          return;
        }
        return walk(node.node, times * node.max);
      case 'group': return walk(node.node, times);
      case 'concat': return node.parts.forEach((p) => walk(p, times));
      case 'alt': return node.options.forEach((o) => walk(o, times));
      default:
    }
  };
  walk(root, 1);
  if (power === 0) return undefined;
  let prefix = '';
  if (!ci) {
    let n: Node = root;
    while (n.type === 'group') n = n.node;
    const parts = n.type === 'concat' ? n.parts : [n];
    for (const p of parts) {
      if (p.type !== 'char') break;
      prefix += String.fromCodePoint(p.cp);
    }
  }
  const sets = new Uint8Array(256 * each.length);
  each.forEach((s, k) => sets.set(s, 256 * k));
  return { set, prefix, power, sets };
}

/** The one string a regex matches when it is a plain literal (no classes, anchors or (?i)). */
export function exactLiteral(root: Node, ci: boolean): string | undefined {
  if (ci) return undefined;
  let out = '';
  const walk = (node: Node): boolean => {
    switch (node.type) {
      case 'char': out += String.fromCodePoint(node.cp); return true;
      case 'group': return walk(node.node);
      case 'concat': return node.parts.every(walk);
      case 'repeat': {
        if (node.min !== node.max || node.min > 64) return false;
        for (let i = 0; i < node.min; i++) if (!walk(node.node)) return false;
        return true;
      }
      default: return false;
    }
  };
  return walk(root) && out !== '' && !out.includes('\n') ? out : undefined;
}

/** Longest match in UTF-8 bytes, counting unbounded repeats as 0 (they eat runs of Risk.set). */
export function fixedLen(node: Node, ci: boolean): number {
  switch (node.type) {
    case 'empty':
    case 'assert':
      return 0;
    case 'char':
      return ci ? 4 : Buffer.byteLength(String.fromCodePoint(node.cp), 'utf8');
    case 'any':
    case 'class':
      return 4;
    case 'group':
      return fixedLen(node.node, ci);
    case 'concat':
      return node.parts.reduce((a, p) => a + fixedLen(p, ci), 0);
    case 'alt':
      return Math.max(0, ...node.options.map((o) => fixedLen(o, ci)));
    case 'repeat':
      return node.max === Infinity ? 0 : node.max * fixedLen(node.node, ci);
  }
}
