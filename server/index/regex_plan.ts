// Reduces a parsed regex to the literals any match must contain (an AND/OR plan the trigram
// index evaluates) and compiles it to a JavaScript RegExp with ripgrep's line semantics
// (regex_emit.ts), with the byte-level facts of regex_runs.ts.
import type { Plan } from '../../native/index';
import { emit } from './regex_emit';
import { parseRegex, type ClassItem, type Node } from './regex_parse';
import { exactLiteral, fixedLen, riskOf, usefulRun, type Risk } from './regex_runs';

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
  if (s.length < 2) return ALL; // 2-byte literals filter lines (the index ignores literals under 3 bytes)
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

export interface CompiledQuery {
  plan: Plan;
  /** Lines without literals to look for may be prefiltered by a run of bytes from a set. */
  run?: { set: Uint8Array; len: number };
  /** Set when the regex has unbounded repetition (see Risk). */
  risk?: Risk;
  /** The regex is this plain literal. */
  literal?: string;
  /** Longest match in bytes, unbounded repeats counted as 0. */
  fixedLen: number;
  ci: boolean;
  /** A global, Unicode RegExp with ripgrep's line semantics. */
  regex: RegExp;
}

/** Throws UnsupportedRegex for syntax outside the shared subset (the caller uses ripgrep then). */
export function compileRegex(pattern: string): CompiledQuery {
  const { node, caseInsensitive: ci } = parseRegex(pattern);
  const plan = planOf(analyze(node, ci), ci);
  const regex = new RegExp(emit(node), ci ? 'giu' : 'gu');
  return { plan, regex, ci, risk: riskOf(node, ci), run: usefulRun(node, ci), literal: exactLiteral(node, ci), fixedLen: fixedLen(node, ci) };
}

/** The plan of a fixed-string query. */
export function literalQueryPlan(literal: string): Plan {
  return literalPlan(literal, false);
}
