// Legacy (non-UTF) encodings users have: GB18030/GBK, Shift-JIS, EUC-KR (and EUC-JP, Big5), and
// Windows-1252/Latin-1. Detection is chardet's statistics (https://github.com/runk/node-chardet)
// checked by structure, never trusted alone:
// - a multi-byte encoding needs chardet's top guess at confidence >= 50;
// - Windows-1252 (chardet barely scores short Western text: "café" comes back as ASCII, 0) needs
//   every non-ASCII character to be a Western letter or punctuation, in runs of at most two
//   (a CJK file misread as 1252 gives long runs like "ÖÐÎÄ"), and no other single-byte code page
//   ranked clearly above it;
// - whatever is chosen must decode without U+FFFD and re-encode to exactly the same bytes, so the
//   bytes an edit does not touch are written back unchanged.
// Anything else is undetermined: the caller refuses to edit it, with a message.
import * as chardet from 'chardet';
import * as iconv from 'iconv-lite';

export type LegacyEncoding = 'gb18030' | 'shift_jis' | 'euc-kr' | 'euc-jp' | 'big5' | 'windows-1252';

export const LEGACY_ENCODINGS: readonly LegacyEncoding[] = ['gb18030', 'shift_jis', 'euc-kr', 'euc-jp', 'big5', 'windows-1252'];

const MULTIBYTE: Record<string, LegacyEncoding> = { GB18030: 'gb18030', Shift_JIS: 'shift_jis', 'EUC-KR': 'euc-kr', 'EUC-JP': 'euc-jp', Big5: 'big5' };
const WESTERN_NAMES = new Set(['windows-1252', 'ISO-8859-1']);
/** Latin-1 letters (no × ÷) and the punctuation/symbols Western text uses. */
const WESTERN_CHAR = /[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u00a0-\u00bf\u20ac\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022\u2122\u0152\u0153\u0160\u0161\u017d\u017e\u0178]/;
/** How much more confident chardet must be in another single-byte code page to block 1252. */
const OTHER_PAGE_MARGIN = 10;

export type Detection = { encoding: LegacyEncoding; text: string } | { encoding?: undefined; guess: string };

/** Detects and decodes bytes that are not UTF-8 (no BOM, no NUL bytes). */
export function detectLegacy(bytes: Buffer): Detection {
  const ranked = chardet.analyse(bytes);
  const top = ranked[0];
  const guess = top ? `${top.name}, ${top.confidence}% sure` : 'nothing';
  if (top && MULTIBYTE[top.name] && top.confidence >= 50) {
    const text = roundTrip(bytes, MULTIBYTE[top.name]);
    return text === undefined ? { guess } : { encoding: MULTIBYTE[top.name], text };
  }
  const western = ranked.find((r) => WESTERN_NAMES.has(r.name))?.confidence ?? 0;
  const other = ranked.find((r) => !WESTERN_NAMES.has(r.name) && r.name !== 'ASCII' && !MULTIBYTE[r.name] && r.name !== 'UTF-8');
  if (other && other.confidence > western + OTHER_PAGE_MARGIN && other.confidence >= 30) return { guess };
  // ISO-8859-1 text without C1 controls is the same bytes in Windows-1252.
  const text = roundTrip(bytes, 'windows-1252');
  return text !== undefined && looksWestern(text) ? { encoding: 'windows-1252', text } : { guess };
}

export function isLegacy(name: string): name is LegacyEncoding {
  return (LEGACY_ENCODINGS as readonly string[]).includes(name);
}

export function decodeLegacy(bytes: Buffer, enc: LegacyEncoding): string {
  return iconv.decode(bytes, enc);
}

/** Encodes `text` in `enc`, or names the first character it cannot hold (iconv would write "?"). */
export function encodeLegacy(text: string, enc: LegacyEncoding): Buffer | { unrepresentable: string } {
  const bytes = iconv.encode(text, enc);
  if (iconv.decode(bytes, enc) === text) return bytes;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (iconv.decode(iconv.encode(ch, enc), enc) !== ch) return { unrepresentable: ch };
  }
  return { unrepresentable: '?' };
}

/** Display name for messages. */
export function encodingLabel(enc: string): string {
  return ({ gb18030: 'GB18030', shift_jis: 'Shift-JIS', 'euc-kr': 'EUC-KR', 'euc-jp': 'EUC-JP', big5: 'Big5', 'windows-1252': 'Windows-1252' } as Record<string, string>)[enc] ?? enc;
}

function roundTrip(bytes: Buffer, enc: LegacyEncoding): string | undefined {
  const text = iconv.decode(bytes, enc);
  if (text.includes('\ufffd')) return undefined;
  return iconv.encode(text, enc).equals(bytes) ? text : undefined;
}

function looksWestern(text: string): boolean {
  let run = 0;
  let any = false;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) {
      run = 0;
      continue;
    }
    if (!WESTERN_CHAR.test(ch) || ++run > 2) return false;
    any = true;
  }
  return any;
}
