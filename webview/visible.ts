// Text shown for the user's yes must show what will run: control characters, bidi overrides and
// invisible characters become visible escapes (\x1b, \r, \u202e), so a command cannot hide part
// of itself (ANSI sequences, carriage returns that overwrite, right-to-left overrides).
// Pure; used by the chat panel's approval queue and the CLI.

const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

/**
 * C0/C1 controls, DEL, bidi embeddings/overrides/isolates, zero-width and other invisible
 * format characters, line/paragraph separators, the BOM, and lone surrogates.
 */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every hidden character escaped. With `keepNewlines`, `\n` is escaped and also kept as a line break. */
export function visible(text: string, opts: { keepNewlines?: boolean } = {}): string {
  return text.replace(HIDDEN, (ch) => (ch === '\n' && opts.keepNewlines ? '\\n\n' : escapeOne(ch)));
}

/** Whether `text` holds anything `visible` would escape (the queue marks such commands). */
export function hasHidden(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/** `text` split into plain runs and escaped hidden characters, so a view can mark the escapes apart from a literal backslash. */
export function segments(text: string): { text: string; hidden: boolean }[] {
  const out: { text: string; hidden: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(HIDDEN)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), hidden: false });
    out.push({ text: escapeOne(m[0]), hidden: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), hidden: false });
  return out;
}
