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

/** Whether `text` holds anything `visible` would escape (the queue marks such commands); newlines count unless `ignoreNewlines`. */
export function hasHidden(text: string, ignoreNewlines = false): boolean {
  for (const m of text.matchAll(HIDDEN)) if (!(ignoreNewlines && m[0] === '\n')) return true;
  return false;
}

/**
 * `text` split into plain runs and escaped hidden characters, so a view can mark the escapes apart
 * from a literal backslash. Newlines: `mark` shows `\n` and breaks the line (a command), `plain`
 * keeps them as line breaks (pretty JSON, where newlines are layout).
 */
export function segments(text: string, newlines: 'mark' | 'plain' = 'mark'): { text: string; hidden: boolean }[] {
  const out: { text: string; hidden: boolean }[] = [];
  let last = 0;
  const plain = (t: string) => {
    if (t) out.push({ text: t, hidden: false });
  };
  for (const m of text.matchAll(HIDDEN)) {
    plain(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[0] === '\n' && newlines === 'plain') {
      plain('\n');
      continue;
    }
    out.push({ text: escapeOne(m[0]), hidden: true });
    if (m[0] === '\n') plain('\n');
  }
  plain(text.slice(last));
  // Adjacent plain runs merged.
  return out.reduce<{ text: string; hidden: boolean }[]>((acc, s) => {
    const prev = acc.at(-1);
    if (prev && !prev.hidden && !s.hidden) prev.text += s.text;
    else acc.push({ ...s });
    return acc;
  }, []);
}
