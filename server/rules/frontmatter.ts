// A small reader for the YAML front matter of SKILL.md and command files: `---` lines around
// `key: value` pairs (strings, quoted or not; `>`/`|` blocks and indented continuations folded).
// Only flat string keys are read; anything else is ignored, never evaluated.

export interface FrontMatter {
  /** Lower-cased keys → string values. */
  fields: Record<string, string>;
  /** The text after the front matter (the whole text when there is none). */
  body: string;
}

const MAX_FIELD_CHARS = 4096;

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.endsWith('"')) || (t[0] === "'" && t.endsWith("'")))) {
    return t[0] === '"' ? t.slice(1, -1).replace(/\\"/g, '"').replace(/\\n/g, '\n') : t.slice(1, -1).replace(/''/g, "'");
  }
  return t;
}

export function parseFrontMatter(text: string): FrontMatter {
  const src = text.replace(/^\uFEFF/, '');
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(src);
  if (!m) return { fields: {}, body: src };
  const fields: Record<string, string> = {};
  let key: string | undefined;
  let parts: string[] = [];
  const flush = () => {
    if (key !== undefined && !(key in fields)) fields[key] = unquote(parts.join(' ')).slice(0, MAX_FIELD_CHARS);
    key = undefined;
    parts = [];
  };
  for (const line of m[1].split(/\r?\n/)) {
    const kv = /^([A-Za-z][A-Za-z0-9_-]*)\s*:(.*)$/.exec(line);
    if (kv) {
      flush();
      key = kv[1].toLowerCase();
      const v = kv[2].trim();
      parts = v === '>' || v === '|' || v === '>-' || v === '|-' ? [] : [v];
    } else if (key !== undefined && /^\s+\S/.test(line)) {
      parts.push(line.trim());
    } else if (line.trim() && !line.trim().startsWith('#')) {
      flush();
    }
  }
  flush();
  return { fields, body: src.slice(m[0].length) };
}
