// Re-emits a parsed ripgrep regex as a JavaScript RegExp source with ripgrep's line semantics:
// `.` and negated classes never match '\n', `^`/`$` are line anchors, \d \w \s \b are Unicode.
import type { ClassItem, Node } from './regex_parse';

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

export function emitClass(negated: boolean, items: ClassItem[]): string {
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

export function emit(node: Node): string {
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

