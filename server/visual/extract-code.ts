// Pulls the code out of a model reply: the longest fenced block in the target's language,
// else the longest fenced block, else a bare HTML document.
import type { TargetKind } from './render';

const LANGS: Record<TargetKind, string[]> = {
  html: ['html', 'htm', 'xhtml'],
  react: ['tsx', 'jsx', 'typescript', 'ts', 'javascript', 'js', 'react'],
};

export function extractCode(reply: string, kind: TargetKind): string | undefined {
  const blocks: { lang: string; code: string }[] = [];
  const re = /(^|\n)[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\2[ \t]*(?=\n|$)/g;
  for (let m; (m = re.exec(reply)); ) blocks.push({ lang: m[3].toLowerCase(), code: m[4] });
  if (!blocks.length) {
    // An unterminated final block (the answer was cut): take what is there.
    const open = /(^|\n)[ \t]*```[ \t]*([\w+-]*)[^\n]*\n([\s\S]+)$/.exec(reply);
    if (open && open[3].trim()) blocks.push({ lang: open[2].toLowerCase(), code: open[3] });
  }
  const longest = (xs: typeof blocks) => xs.reduce<string | undefined>((a, b) => (a === undefined || b.code.length > a.length ? b.code : a), undefined);
  const own = longest(blocks.filter((b) => LANGS[kind].includes(b.lang)));
  if (own?.trim()) return own;
  const any = longest(blocks);
  if (any?.trim()) return any;
  const t = reply.trim();
  if (kind === 'html' && /^(<!doctype html|<html)/i.test(t)) return t;
  return undefined;
}
