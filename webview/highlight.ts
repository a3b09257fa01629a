// Syntax highlighting for code blocks in the transcript, CSP-safe: it builds text nodes and
// <span class="hl-…"> elements (no HTML strings, no inline styles); webview/style.css colours the
// classes from the theme. One small regex tokenizer per language family: comments, strings,
// numbers, keywords, literals, types and function names; unknown languages stay plain text.

interface Lang {
  comment: string[];
  string: string[];
  keywords: Set<string>;
  literals?: Set<string>;
  /** Keywords match in any case (SQL). */
  nocase?: boolean;
  /** Capitalised identifiers are types (C-family languages). */
  types?: boolean;
}

const words = (s: string) => new Set(s.split(' '));
const LINE = (p: string) => `${p}[^\\n]*`;
const BLOCK = '/\\*[\\s\\S]*?(?:\\*/|$)';
const DQ = '"(?:[^"\\\\\\n]|\\\\.)*"?';
const SQ = "'(?:[^'\\\\\\n]|\\\\.)*'?";
const BQ = '`(?:[^`\\\\]|\\\\.)*`?';
const C_LITERALS = words('true false null undefined nil None True False NaN Infinity');

const JS = words('abstract as async await break case catch class const continue debugger declare default delete do else enum export extends finally for from function get if implements import in infer instanceof interface is keyof let namespace new of private protected public readonly return satisfies set static super switch this throw try type typeof var void while with yield');
const LANGS: Record<string, Lang> = {
  js: { comment: [LINE('//'), BLOCK], string: [BQ, DQ, SQ], keywords: JS, literals: C_LITERALS, types: true },
  python: {
    comment: [LINE('#')],
    string: ['[rRbBuUfF]{0,2}"""[\\s\\S]*?(?:"""|$)', "[rRbBuUfF]{0,2}'''[\\s\\S]*?(?:'''|$)", `[rRbBuUfF]{0,2}${DQ}`, `[rRbBuUfF]{0,2}${SQ}`],
    keywords: words('and as assert async await break class continue def del elif else except finally for from global if import in is lambda match case nonlocal not or pass raise return try while with yield self'),
    literals: words('True False None'),
    types: true,
  },
  go: { comment: [LINE('//'), BLOCK], string: [BQ, DQ, SQ], keywords: words('break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'), literals: words('true false nil iota'), types: true },
  rust: { comment: [LINE('//'), BLOCK], string: [DQ, "'(?:[^'\\\\\\n]|\\\\.)'"], keywords: words('as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type unsafe use where while'), literals: words('true false None Some Ok Err'), types: true },
  c: { comment: [LINE('//'), BLOCK, LINE('#')], string: [DQ, SQ], keywords: words('auto break case char class const constexpr continue default delete do double else enum explicit extern float for friend goto if inline int long namespace new noexcept operator private protected public register return short signed sizeof static struct switch template this throw try typedef typename union unsigned using virtual void volatile while bool'), literals: words('true false nullptr NULL'), types: true },
  java: { comment: [LINE('//'), BLOCK], string: ['"""[\\s\\S]*?(?:"""|$)', DQ, SQ], keywords: words('abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for fun if implements import instanceof int interface is long native new object override package private protected public return short static super switch synchronized this throw throws try val var void volatile when while namespace using async await'), literals: words('true false null'), types: true },
  bash: { comment: ['(?<![^\\s;|&(])#[^\\n]*'], string: [DQ, "'[^']*'?"], keywords: words('if then else elif fi for in do done while until case esac function return export local readonly set unset source alias echo cd exit'), literals: words('true false') },
  css: { comment: [BLOCK, LINE('//')], string: [DQ, SQ], keywords: words('important media import supports keyframes from to and not only') },
  json: { comment: [LINE('//'), BLOCK], string: [DQ], keywords: new Set(), literals: words('true false null') },
  yaml: { comment: ['(?<![^\\s])#[^\\n]*'], string: [DQ, SQ], keywords: new Set(), literals: words('true false null yes no on off') },
  sql: { comment: [LINE('--'), BLOCK], string: [SQ, DQ], keywords: words('select from where and or not insert into values update set delete create table index view drop alter add join left right inner outer on group by order having limit offset as distinct union all case when then else end primary key foreign references default is null like in exists between returning with'), nocase: true, literals: words('true false null') },
  html: { comment: ['<!--[\\s\\S]*?(?:-->|$)'], string: [DQ, SQ], keywords: new Set() },
};

const ALIASES: Record<string, string> = {
  javascript: 'js', jsx: 'js', mjs: 'js', cjs: 'js', ts: 'js', tsx: 'js', typescript: 'js', mts: 'js', node: 'js',
  py: 'python', python3: 'python', golang: 'go', rs: 'rust',
  h: 'c', cpp: 'c', 'c++': 'c', cc: 'c', hpp: 'c', cxx: 'c', objc: 'c',
  kotlin: 'java', kt: 'java', csharp: 'java', cs: 'java', 'c#': 'java', scala: 'java', swift: 'java', dart: 'java',
  sh: 'bash', shell: 'bash', zsh: 'bash', console: 'bash', shellscript: 'bash',
  scss: 'css', less: 'css', jsonc: 'json', json5: 'json', yml: 'yaml', toml: 'yaml', ini: 'yaml',
  xml: 'html', svg: 'html', vue: 'html', svelte: 'html', htm: 'html', mysql: 'sql', postgres: 'sql', postgresql: 'sql', sqlite: 'sql',
};

/** Past this a block stays plain (highlighting runs on every streamed frame of the live tail). */
export const MAX_HIGHLIGHT_CHARS = 100_000;
const NUMBER = '\\b(?:0[xX][0-9a-fA-F_]+|0[bBoO][0-7_]+|\\d[\\d_]*(?:\\.\\d[\\d_]*)?(?:[eE][+-]?\\d+)?)[a-zA-Z]*\\b';
const compiled = new Map<string, RegExp>();

/** The language family for a fence's language id, or undefined (diff is handled apart). */
export function languageFamily(lang: string): string | undefined {
  const id = lang.toLowerCase();
  if (id === 'diff' || id === 'patch') return 'diff';
  const fam = ALIASES[id] ?? id;
  return LANGS[fam] ? fam : undefined;
}

function regexFor(fam: string): RegExp {
  let re = compiled.get(fam);
  if (!re) {
    const l = LANGS[fam];
    const parts = [`(${l.comment.join('|')})`, `(${l.string.join('|')})`, `(${NUMBER})`];
    if (fam === 'html') parts.push('(</?[A-Za-z][\\w:-]*|/?>)', '([A-Za-z_:][\\w:.-]*)(?==)');
    else parts.push('([A-Za-z_$][\\w$]*)');
    re = new RegExp(parts.join('|'), 'g');
    compiled.set(fam, re);
  }
  re.lastIndex = 0;
  return re;
}

function span(cls: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = `hl-${cls}`;
  s.textContent = text;
  return s;
}

/** `code` as highlighted nodes; its textContent is exactly `code`. */
export function highlight(code: string, lang: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const fam = languageFamily(lang);
  if (!fam || code.length > MAX_HIGHLIGHT_CHARS) {
    frag.append(code);
    return frag;
  }
  if (fam === 'diff') {
    for (const line of code.split(/(?<=\n)/)) {
      const cls = /^(\+\+\+|---)/.test(line) ? 'meta' : line.startsWith('+') ? 'inserted' : line.startsWith('-') ? 'deleted' : line.startsWith('@@') ? 'meta' : '';
      frag.append(cls ? span(cls, line) : line);
    }
    return frag;
  }
  const l = LANGS[fam];
  const re = regexFor(fam);
  let at = 0;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    if (m.index > at) frag.append(code.slice(at, m.index));
    at = m.index + m[0].length;
    if (m[1] !== undefined) frag.append(span('comment', m[0]));
    else if (m[2] !== undefined) frag.append(span(fam === 'json' && /^\s*:/.test(code.slice(at, at + 40)) ? 'property' : 'string', m[0]));
    else if (m[3] !== undefined) frag.append(span('number', m[0]));
    else if (fam === 'html') frag.append(span(m[4] !== undefined ? 'keyword' : 'property', m[0]));
    else {
      const w = m[0];
      const key = l.nocase ? w.toLowerCase() : w;
      if (l.keywords.has(key)) frag.append(span('keyword', w));
      else if (l.literals?.has(w)) frag.append(span('literal', w));
      else if (/^\s*\(/.test(code.slice(at, at + 40))) frag.append(span('function', w));
      else if (l.types && /^[A-Z][a-z0-9]/.test(w)) frag.append(span('type', w));
      else if (fam === 'yaml' && /^\s*:/.test(code.slice(at, at + 40))) frag.append(span('property', w));
      else frag.append(w);
    }
  }
  if (at < code.length) frag.append(code.slice(at));
  return frag;
}
