// Text formats the edit engine keeps intact: encoding (UTF-8, UTF-16 LE/BE by BOM, and the legacy
// encodings of legacy-encoding.ts), BOM and line endings. The model sees and writes `\n`; a
// pure-CRLF file stays CRLF after every edit.
import { ToolError } from './tool-error';
import { looksBinary } from './files';
import { detectLegacy, encodeLegacy, encodingLabel, isLegacy, type LegacyEncoding } from './legacy-encoding';

export type TextEncodingName = 'utf8' | 'utf16le' | 'utf16be' | LegacyEncoding;
export type Eol = 'lf' | 'crlf' | 'mixed' | 'none';

export interface TextFormat {
  encoding: TextEncodingName;
  bom: boolean;
  eol: Eol;
}

export interface DecodedText {
  /** The text without the BOM, line endings as in the file. */
  text: string;
  format: TextFormat;
}

export const DEFAULT_FORMAT: TextFormat = { encoding: 'utf8', bom: false, eol: 'lf' };
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Line-ending style of `text`: `crlf` only when every `\n` follows a `\r`. */
export function detectEol(text: string): Eol {
  const lf = countOf(text, '\n');
  if (lf === 0) return 'none';
  const crlf = countOf(text, '\r\n');
  return crlf === lf ? 'crlf' : crlf === 0 ? 'lf' : 'mixed';
}

function countOf(s: string, needle: string): number {
  let n = 0;
  for (let i = s.indexOf(needle); i !== -1; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * Decodes file bytes. Throws a ToolError (with `shown` in the message) for binary data or bytes
 * that are not valid in their encoding, because writing them back would corrupt the file.
 */
export function decodeText(buf: Uint8Array, shown: string): DecodedText {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) {
    const text = b.subarray(2, b.length - ((b.length - 2) % 2)).toString('utf16le');
    return { text, format: { encoding: 'utf16le', bom: true, eol: detectEol(text) } };
  }
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const body = Buffer.from(b.subarray(2, b.length - ((b.length - 2) % 2)));
    body.swap16();
    const text = body.toString('utf16le');
    return { text, format: { encoding: 'utf16be', bom: true, eol: detectEol(text) } };
  }
  const bom = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  const body = bom ? b.subarray(3) : b;
  if (looksBinary(body)) {
    throw new ToolError(`${shown} looks like a binary file (it contains NUL bytes); it cannot be read or edited as text. Use run_command (e.g. "file" or "xxd | head") to inspect it.`);
  }
  let text: string;
  try {
    text = fatalUtf8.decode(body);
  } catch {
    const found = bom ? { guess: 'a UTF-8 BOM before bytes that are not UTF-8' } : detectLegacy(Buffer.from(body));
    if (found.encoding) return { text: found.text, format: { encoding: found.encoding, bom: false, eol: detectEol(found.text) } };
    throw new ToolError(
      `${shown} is not valid UTF-8, and its encoding could not be determined confidently (best guess: ${found.guess}); SwarmCode will not edit it because writing it back could corrupt it. ` +
        `Supported: UTF-8, UTF-16 with a BOM, GB18030/GBK, Shift-JIS, EUC-KR, EUC-JP, Big5, Windows-1252/Latin-1. Convert it to UTF-8 first (e.g. with iconv via run_command).`,
    );
  }
  return { text, format: { encoding: 'utf8', bom, eol: detectEol(text) } };
}

/** Lossy decode for display (never throws): used where the bytes are only shown. */
export function decodeForDisplay(buf: Uint8Array): string {
  try {
    return decodeText(buf, '').text;
  } catch {
    return Buffer.from(buf).toString('utf8');
  }
}

/** Encodes `text` (line endings as they should land on disk) in `format`. */
export function encodeText(text: string, format: TextFormat, shown = 'the file'): Buffer {
  if (isLegacy(format.encoding)) {
    const out = encodeLegacy(text, format.encoding);
    if (Buffer.isBuffer(out)) return out;
    const label = encodingLabel(format.encoding);
    const cp = out.unrepresentable.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new ToolError(
      `${shown} is encoded in ${label}, which cannot represent "${out.unrepresentable}" (U+${cp}) in the new text; nothing was written. Use characters ${label} can hold (or an escape the language allows), or convert the file to UTF-8 first.`,
    );
  }
  if (format.encoding === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (format.encoding === 'utf16be') {
    const body = Buffer.from(text, 'utf16le');
    body.swap16();
    return Buffer.concat([Buffer.from([0xfe, 0xff]), body]);
  }
  const body = Buffer.from(text, 'utf8');
  return format.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

/** `\r\n` → `\n` (what the model works with). */
export function toLf(text: string): string {
  return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
}

/** `\n` → `\r\n`, leaving existing `\r\n` alone. */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * Content the model wrote for a file whose existing line endings are `eol`: a pure-CRLF file
 * keeps CRLF; everything else is written as given.
 */
export function applyEol(content: string, eol: Eol): string {
  return eol === 'crlf' ? toCrlf(content) : content;
}
