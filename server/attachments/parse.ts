// `@`-mentions in free text (the CLI's task): `@path` attaches a workspace file or folder, `@git`
// the uncommitted changes. A mention starts the text or follows whitespace or an opening bracket or
// quote, so `a@b.com` and `user@host` are not mentions; trailing sentence punctuation is not part of
// the path. `\@word` is a literal `@word` (the backslash is dropped).
import type { Attachment } from '../protocol';

const MENTION = /(^|[\s([{"'])(\\?)@([^\s@'"`()[\]{}<>,;|]+)/g;
const TRAILING = /[.,:;!?]+$/;

export interface ParsedMentions {
  /** The text with `\@` escapes turned into `@`. */
  text: string;
  attachments: Attachment[];
}

export function parseMentions(text: string): ParsedMentions {
  const attachments: Attachment[] = [];
  const seen = new Set<string>();
  const out = text.replace(MENTION, (all, lead: string, escape: string, raw: string) => {
    if (escape) return `${lead}@${raw}`;
    const name = raw.replace(TRAILING, '');
    if (!name) return all;
    const a: Attachment = name === 'git' ? { kind: 'git' } : { kind: 'path', path: name };
    const key = JSON.stringify(a);
    if (!seen.has(key)) {
      seen.add(key);
      attachments.push(a);
    }
    return all;
  });
  return { text: out, attachments };
}
