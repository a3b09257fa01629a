// Turning ripgrep's --json event stream into `path:line:text` output for grep's lines mode.
import { cutLine } from './output';
import { rgRelative } from '../index/rg';

const MAX_LINE_CHARS = 300;

interface RgText {
  text?: string;
  bytes?: string;
}

export interface RgLineEvent {
  type: 'match' | 'context';
  path: string;
  lineNumber: number;
  text: string;
  /** Column (UTF-16) of the first submatch, for cutting long lines around it. */
  column: number;
}

export interface LineCollector {
  max: number;
  context: number;
  /** Matching lines seen so far (shown or not). */
  total: number;
  files: Set<string>;
  out: string[];
  lastPath: string;
  lastLine: number;
  /** Line number of the last matching line that was shown, in `lastPath`. */
  lastShown: number;
}

function decode(t: RgText | undefined): string {
  if (!t) return '';
  if (t.text !== undefined) return t.text;
  return t.bytes ? Buffer.from(t.bytes, 'base64').toString('utf8') : '';
}

export function parseJsonEvent(line: string): RgLineEvent | undefined {
  if (!line.startsWith('{"type":"match"') && !line.startsWith('{"type":"context"')) return undefined;
  let ev: {
    type: 'match' | 'context';
    data: { path: RgText; lines: RgText; line_number: number; submatches?: Array<{ start: number }> };
  };
  try {
    ev = JSON.parse(line);
  } catch {
    return undefined;
  }
  const raw = decode(ev.data.lines).replace(/\r?\n$/, '');
  const startByte = ev.data.submatches?.[0]?.start ?? 0;
  const column = raw.length > MAX_LINE_CHARS ? Buffer.from(raw, 'utf8').subarray(0, startByte).toString('utf8').length : 0;
  return { type: ev.type, path: rgRelative(decode(ev.data.path)), lineNumber: ev.data.line_number, text: raw, column };
}

/** Adds one event to the output, honouring the cap on shown matching lines. */
export function formatLineMatches(col: LineCollector, ev: RgLineEvent): void {
  if (ev.type === 'match') {
    col.total++;
    col.files.add(ev.path);
    if (col.total > col.max) return;
  } else {
    const shownBudgetLeft = col.total < col.max;
    // After the cap, keep only the trailing context of the last shown match.
    const trailing = ev.path === col.lastPath && ev.lineNumber <= col.lastShown + col.context && ev.lineNumber > col.lastShown;
    if (!shownBudgetLeft && !trailing) return;
  }
  if (col.out.length && (ev.path !== col.lastPath || ev.lineNumber !== col.lastLine + 1)) col.out.push('--');
  const sep = ev.type === 'match' ? ':' : '-';
  col.out.push(`${ev.path}${sep}${ev.lineNumber}${sep}${cutLine(ev.text, MAX_LINE_CHARS, ev.column)}`);
  col.lastPath = ev.path;
  col.lastLine = ev.lineNumber;
  if (ev.type === 'match') col.lastShown = ev.lineNumber;
}
