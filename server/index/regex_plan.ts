// Reduces a parsed regex to the literals any match must contain (an AND/OR plan the trigram
// index evaluates), and re-emits it as a JavaScript RegExp with ripgrep's line semantics:
// `.` and negated classes never match '\n', `^`/`$` are line anchors, \d \w \s \b are Unicode.
import type { Plan } from '../../native/index';
import { parseRegex, type ClassItem, type Node } from './regex_parse';

const MAX_SET = 32;
const ALL: Plan = { op: 'all' };

/** What we know about the strings a node can match. */
interface Info {
  /** Every string the node can match, when that set is small; else null. */
  exact: Set<string> | null;
  /** Required literals when `exact` is null. */
  plan: Plan;
}

function and(...args: Plan[]): Plan {
  const flat: Plan[] = [];
  for (const a of args) {
    if (a.op === 'all') continue;
    if (a.op === 'and') flat.push(...a.args);
    else flat.push(a);
  }
  if (flat.length === 0) return ALL;
  return flat.length === 1 ? flat[0] : { op: 'and', args: flat };
}

function or(...args: Plan[]): Plan {
  const flat: Plan[] = [];
  for (const a of args) {
    if (a.op === 'all') return ALL;
    if (a.op === 'or') flat.push(...a.args);
    else flat.push(a);
  }
  if (flat.length === 0) return ALL;
  return flat.length === 1 ? flat[0] : { op: 'or', args: flat };
}

/**
 * Under (?i) only ASCII folds reliably in the index (it folds ASCII); others match anything.
 * 'k' and 's' also match non-ASCII (K KELVIN SIGN, ſ LONG S): split there under (?i).
 */
function literalPlan(s: string, ci: boolean): Plan {
  if (ci && /[^\x00-\x7f]/.test(s)) return ALL;
  if (ci && /[ks]/i.test(s)) return and(...s.split(/[ks]/i).map((part) => literalPlan(part, true)));
  if (s.length < 3) return ALL;
  return { op: 'lit', s };
}

function planOf(info: Info, ci: boolean): Plan {
  if (!info.exact) return info.plan;
  return or(...[...info.exact].map((s) => literalPlan(s, ci)));
}

function cross(a: Set<string>, b: Set<string>): Set<string> | null {
  if (a.size * b.size > MAX_SET) return null;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

function classChars(items: ClassItem[], negated: boolean): Set<string> | null {
  if (negated) return null;
  const out = new Set<string>();
  for (const it of items) {
    if (it.kind === 'named') return null;
    if (it.hi - it.lo + out.size >= 8) return null;
    for (let cp = it.lo; cp <= it.hi; cp++) out.add(String.fromCodePoint(cp));
  }
  return out;
}

function analyze(node: Node, ci: boolean): Info {
  switch (node.type) {
    case 'empty':
    case 'assert':
      return { exact: new Set(['']), plan: ALL };
    case 'char':
      return { exact: new Set([String.fromCodePoint(node.cp)]), plan: ALL };
    case 'any':
      return { exact: null, plan: ALL };
    case 'class': {
      const chars = classChars(node.items, node.negated);
      return chars && chars.size > 0 ? { exact: chars, plan: ALL } : { exact: null, plan: ALL };
    }
    case 'group':
      return analyze(node.node, ci);
    case 'repeat': {
      const inner = analyze(node.node, ci);
      if (node.min === 0) {
        if (node.max === 1 && inner.exact && inner.exact.size < MAX_SET) return { exact: new Set([...inner.exact, '']), plan: ALL };
        return { exact: null, plan: ALL };
      }
      if (node.min === 1 && node.max === 1) return inner;
      return { exact: null, plan: planOf(inner, ci) };
    }
    case 'alt': {
      const infos = node.options.map((o) => analyze(o, ci));
      if (infos.every((x) => x.exact)) {
        const u = new Set<string>();
        for (const x of infos) for (const s of x.exact!) u.add(s);
        if (u.size <= MAX_SET) return { exact: u, plan: ALL };
      }
      return { exact: null, plan: or(...infos.map((x) => planOf(x, ci))) };
    }
    case 'concat': {
      let exact: Set<string> | null = new Set(['']);
      const plans: Plan[] = [];
      for (const part of node.parts) {
        const info = analyze(part, ci);
        if (exact && info.exact) {
          const next = cross(exact, info.exact);
          if (next) {
            exact = next;
            continue;
          }
        }
        if (exact) plans.push(planOf({ exact, plan: ALL }, ci));
        if (info.exact) {
          exact = info.exact;
        } else {
          plans.push(info.plan);
          exact = new Set(['']);
        }
      }
      if (plans.length === 0) return { exact, plan: ALL };
      plans.push(planOf({ exact, plan: ALL }, ci));
      return { exact: null, plan: and(...plans) };
    }
  }
}

// --- JavaScript emission ----------------------------------------------------------------------

const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const SYNTAX = new Set('\\^$.|?*+()[]{}/'.split(''));
const CLASS_SPECIAL = new Set('\\]^-['.split(''));

function cpLiteral(cp: number, inClass: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (cp < 0x20 || cp === 0x7f) return `\\u{${cp.toString(16)}}`;
  if (inClass ? CLASS_SPECIAL.has(ch) : SYNTAX.has(ch)) return `\\${ch}`;
  return ch;
}

/** Rust accepts bare script names (\\p{Greek}); JavaScript wants Script=Greek for those. */
function jsProperty(name: string): string {
  try {
    new RegExp(`\\p{${name}}`, 'u');
    return name;
  } catch {
    return `Script=${name}`;
  }
}

/** Class item body (without brackets); null when it cannot be expressed inside a class. */
function itemBody(it: ClassItem): string | null {
  if (it.kind === 'range') return it.lo === it.hi ? cpLiteral(it.lo, true) : `${cpLiteral(it.lo, true)}-${cpLiteral(it.hi, true)}`;
  const pos: Record<string, string> = { d: '\\p{Nd}', w: WORD, s: '\\p{White_Space}' };
  const neg: Record<string, string> = { d: '\\P{Nd}', s: '\\P{White_Space}' };
  if (it.name.startsWith('p{')) return `\\${it.negated ? 'P' : 'p'}{${jsProperty(it.name.slice(2, -1))}}`;
  return it.negated ? (neg[it.name] ?? null) : pos[it.name];
}

function emitClass(negated: boolean, items: ClassItem[]): string {
  // Negated named classes like \W stand alone: [^ word \n].
  if (items.length === 1 && items[0].kind === 'named' && items[0].negated && itemBody(items[0]) === null) {
    const base = itemBody({ ...items[0], negated: false })!;
    return negated ? `[${base}]` : `[^${base}\\n]`;
  }
  const bodies = items.map(itemBody);
  if (bodies.some((b) => b === null)) {
    // e.g. [\Wx]: an alternation of classes.
    const alts = items.map((it) => emitClass(false, [it]));
    if (negated) return `(?:(?!${alts.join('|')})[^\\n])`;
    return `(?:${alts.join('|')})`;
  }
  // Every class excludes '\n': ripgrep compiles patterns so they never match the line terminator.
  if (negated) return `[^${bodies.join('')}\\n]`;
  return `(?:(?!\\n)[${bodies.join('')}])`;
}

function emit(node: Node): string {
  switch (node.type) {
    case 'empty':
      return '';
    case 'char':
      return cpLiteral(node.cp, false);
    case 'any':
      return '[^\\n]';
    case 'class':
      return emitClass(node.negated, node.items);
    case 'assert':
      switch (node.kind) {
        case 'bol': return '(?:^|(?<=\\n))';
        case 'eol': return '(?=\\n|$)';
        case 'word': return `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
        case 'nonword': return `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
      }
      break;
    case 'group':
      return node.name ? `(?<${node.name}>${emit(node.node)})` : `(?:${emit(node.node)})`;
    case 'concat':
      return node.parts.map(emit).join('');
    case 'alt':
      return node.options.map(emit).join('|');
    case 'repeat': {
      const q =
        node.min === 0 && node.max === Infinity ? '*'
        : node.min === 1 && node.max === Infinity ? '+'
        : node.min === 0 && node.max === 1 ? '?'
        : node.max === Infinity ? `{${node.min},}`
        : node.min === node.max ? `{${node.min}}`
        : `{${node.min},${node.max}}`;
      return `(?:${emit(node.node)})${q}${node.lazy ? '?' : ''}`;
    }
  }
  return '';
}

function unbounded(node: Node): boolean {
  switch (node.type) {
    case 'repeat': return node.max === Infinity || unbounded(node.node);
    case 'group': return unbounded(node.node);
    case 'concat': return node.parts.some(unbounded);
    case 'alt': return node.options.some(unbounded);
    default: return false;
  }
}

// --- Byte runs: a prefilter for regexes without required literals ---------------------------

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
function usefulRun(node: Node, ci: boolean): { set: Uint8Array; len: number } | undefined {
  const best = runOf(node, ci).best;
  if (!best) return undefined;
  let printable = 0;
  for (let b = 0x20; b < 0x7f; b++) printable += best.set[b];
  return printable <= 64 ? best : undefined;
}

export interface CompiledQuery {
  plan: Plan;
  /** Lines without literals to look for may be prefiltered by a run of bytes from a set. */
  run?: { set: Uint8Array; len: number };
  ci: boolean;
  /** Has an unbounded repetition: backtracking can go quadratic on very long lines. */
  unbounded: boolean;
  /** A global, Unicode RegExp with ripgrep's line semantics. */
  regex: RegExp;
}

/** Throws UnsupportedRegex for syntax outside the shared subset (the caller uses ripgrep then). */
export function compileRegex(pattern: string): CompiledQuery {
  const { node, caseInsensitive } = parseRegex(pattern);
  const plan = planOf(analyze(node, caseInsensitive), caseInsensitive);
  const regex = new RegExp(emit(node), caseInsensitive ? 'giu' : 'gu');
  return { plan, regex, unbounded: unbounded(node), ci: caseInsensitive, run: usefulRun(node, caseInsensitive) };
}

/** The plan of a fixed-string query. */
export function literalQueryPlan(literal: string): Plan {
  return literalPlan(literal, false);
}
