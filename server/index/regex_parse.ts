// A parser for the regex syntax ripgrep accepts that also has a faithful JavaScript form.
// Anything outside that subset throws UnsupportedRegex, and the caller lets ripgrep run the
// query instead, so ripgrep's own semantics (and error messages) always apply.

export class UnsupportedRegex extends Error {
  override name = 'UnsupportedRegex';
}

/** A class item: a code point range or a named class (`d`, `w`, `s`, `p{..}`, negated with upper case). */
export type ClassItem = { kind: 'range'; lo: number; hi: number } | { kind: 'named'; name: string; negated: boolean };

export type Node =
  | { type: 'empty' }
  | { type: 'char'; cp: number }
  | { type: 'any' }
  | { type: 'class'; negated: boolean; items: ClassItem[] }
  | { type: 'assert'; kind: 'bol' | 'eol' | 'word' | 'nonword' }
  | { type: 'concat'; parts: Node[] }
  | { type: 'alt'; options: Node[] }
  | { type: 'repeat'; node: Node; min: number; max: number; lazy: boolean }
  | { type: 'group'; node: Node; name?: string };

export interface ParsedRegex {
  node: Node;
  caseInsensitive: boolean;
}

const NAMED_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S']);

export function parseRegex(src: string): ParsedRegex {
  let i = 0;
  let caseInsensitive = false;
  // Only a leading (?i) is supported (it maps onto the JavaScript `i` flag).
  if (src.startsWith('(?i)')) {
    caseInsensitive = true;
    i = 4;
  }
  const fail = (msg: string): never => {
    throw new UnsupportedRegex(`${msg} at ${i} in ${JSON.stringify(src)}`);
  };
  const peek = () => src[i];
  const codePointAt = () => {
    const cp = src.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    return cp;
  };

  function parseHex(len: number | 'braced'): number {
    let hex = '';
    if (len === 'braced') {
      const end = src.indexOf('}', i);
      if (end < 0) fail('bad escape');
      hex = src.slice(i, end);
      i = end + 1;
    } else {
      hex = src.slice(i, i + len);
      i += len;
    }
    if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) fail('bad hex escape');
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) fail('bad code point');
    return cp;
  }

  /** After a backslash: a code point, or a named class / assertion. */
  function parseEscape(inClass: boolean): { cp: number } | { named: ClassItem } | { assert: 'word' | 'nonword' | 'bol' | 'eol' } {
    if (i >= src.length) fail('trailing backslash');
    const c = src[i++];
    if (NAMED_ESCAPES.has(c)) return { named: { kind: 'named', name: c.toLowerCase(), negated: c !== c.toLowerCase() } };
    if (c === 'p' || c === 'P') {
      let name: string;
      if (src[i] === '{') {
        const end = src.indexOf('}', i);
        if (end < 0) fail('bad \\p');
        name = src.slice(i + 1, end);
        i = end + 1;
      } else {
        name = src[i++] ?? fail('bad \\p');
      }
      if (!/^[A-Za-z_]+$/.test(name)) fail('unsupported \\p name');
      return { named: { kind: 'named', name: `p{${name}}`, negated: c === 'P' } };
    }
    if (!inClass) {
      if (c === 'b') return { assert: 'word' };
      if (c === 'B') return { assert: 'nonword' };
      if (c === 'A') return { assert: 'bol' };
      if (c === 'z') return { assert: 'eol' };
    }
    switch (c) {
      case 't': return { cp: 9 };
      case 'r': return { cp: 13 };
      case 'f': return { cp: 12 };
      case 'v': return { cp: 11 };
      case 'a': return { cp: 7 };
      case 'e': return { cp: 27 };
      case 'n': return fail('\\n cannot match in line-oriented search');
      case 'x': return { cp: src[i] === '{' ? (i++, parseHex('braced')) : parseHex(2) };
      case 'u': return { cp: src[i] === '{' ? (i++, parseHex('braced')) : parseHex(4) };
      case 'U': return { cp: parseHex(8) };
    }
    // Escaped punctuation is literal; escaped letters/digits we don't know are not supported.
    if (/[A-Za-z0-9]/.test(c)) return fail(`unsupported escape \\${c}`);
    i--;
    return { cp: codePointAt() };
  }

  function parseClass(): Node {
    // at '[' already consumed
    let negated = false;
    if (src[i] === '^') {
      negated = true;
      i++;
    }
    const items: ClassItem[] = [];
    let first = true;
    for (;;) {
      if (i >= src.length) fail('unclosed class');
      const c = src[i];
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[') fail('nested or POSIX classes');
      if ((c === '&' && src[i + 1] === '&') || (c === '-' && src[i + 1] === '-') || (c === '~' && src[i + 1] === '~'))
        fail('class set operations');
      let lo: number;
      if (c === '\\') {
        i++;
        const e = parseEscape(true);
        if ('named' in e) {
          items.push(e.named);
          continue;
        }
        if ('assert' in e) fail('assertion in class');
        lo = (e as { cp: number }).cp;
      } else {
        lo = codePointAt();
      }
      if (src[i] === '-' && src[i + 1] !== undefined && src[i + 1] !== ']') {
        i++;
        let hi: number;
        if (src[i] === '\\') {
          i++;
          const e = parseEscape(true);
          if (!('cp' in e)) return fail('bad class range');
          hi = e.cp;
        } else {
          hi = codePointAt();
        }
        if (hi < lo) fail('bad class range');
        items.push({ kind: 'range', lo, hi });
      } else {
        items.push({ kind: 'range', lo, hi: lo });
      }
    }
    return { type: 'class', negated, items };
  }

  function parseAtom(): Node {
    const c = src[i];
    if (c === '(') {
      i++;
      let name: string | undefined;
      if (src[i] === '?') {
        if (src[i + 1] === ':') i += 2;
        else if (src.startsWith('?P<', i) || (src[i + 1] === '<' && /[A-Za-z_]/.test(src[i + 2] ?? ''))) {
          const start = src.indexOf('<', i) + 1;
          const end = src.indexOf('>', start);
          if (end < 0) fail('bad group name');
          name = src.slice(start, end);
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail('bad group name');
          i = end + 1;
        } else fail('unsupported group syntax');
      }
      const node = parseAlt();
      if (src[i] !== ')') fail('unclosed group');
      i++;
      return { type: 'group', node, name };
    }
    if (c === '[') {
      i++;
      return parseClass();
    }
    if (c === '.') {
      i++;
      return { type: 'any' };
    }
    if (c === '^') {
      i++;
      return { type: 'assert', kind: 'bol' };
    }
    if (c === '$') {
      i++;
      return { type: 'assert', kind: 'eol' };
    }
    if (c === '\\') {
      i++;
      const e = parseEscape(false);
      if ('cp' in e) return { type: 'char', cp: e.cp };
      if ('named' in e) return { type: 'class', negated: false, items: [e.named] };
      return { type: 'assert', kind: e.assert };
    }
    if (c === '{' || c === '*' || c === '+' || c === '?') fail('repetition without operand');
    if (c === '\n') fail('newline in pattern');
    return { type: 'char', cp: codePointAt() };
  }

  function parseRepeat(node: Node): Node {
    for (;;) {
      const c = peek();
      let min: number, max: number;
      if (c === '*') [min, max] = [0, Infinity];
      else if (c === '+') [min, max] = [1, Infinity];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
        if (!m) return fail('bad repetition');
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min || min > 1000 || (max !== Infinity && max > 1000)) fail('bad repetition');
        i += m[0].length - 1;
      } else return node;
      i++;
      let lazy = false;
      if (peek() === '?') {
        lazy = true;
        i++;
      }
      if (node.type === 'assert' || node.type === 'repeat') fail('repetition of an assertion or repetition');
      node = { type: 'repeat', node, min, max, lazy };
    }
  }

  function parseConcat(): Node {
    const parts: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') parts.push(parseRepeat(parseAtom()));
    if (parts.length === 0) return { type: 'empty' };
    return parts.length === 1 ? parts[0] : { type: 'concat', parts };
  }

  function parseAlt(): Node {
    const options = [parseConcat()];
    while (src[i] === '|') {
      i++;
      options.push(parseConcat());
    }
    return options.length === 1 ? options[0] : { type: 'alt', options };
  }

  const node = parseAlt();
  if (i < src.length) fail('unbalanced )');
  return { node, caseInsensitive };
}
