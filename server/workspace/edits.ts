// The string-replacement edit behind edit_file. Pure, so a fuller edit engine (stale-edit
// detection, CRLF/BOM handling, journal) can later wrap or replace it without touching the tool.
import { ToolError } from './tool-error';

export interface StringEdit {
  oldString: string;
  newString: string;
  replaceAll?: boolean;
}

export interface EditResult {
  text: string;
  /** How many occurrences were replaced. */
  count: number;
  /** 1-based inclusive line ranges of the replaced text in the new file. */
  lines: Array<[number, number]>;
  /** The agent's read was stale; the edit was applied on top of the changes made since (rebase.ts). */
  rebased?: boolean;
}

/** 1-based line numbers where `needle` starts in `text`, one per occurrence. */
export function occurrenceLines(text: string, needle: string): number[] {
  const out: number[] = [];
  let line = 1;
  let scanned = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) {
    line += countNewlines(text, scanned, i);
    scanned = i;
    out.push(line);
  }
  return out;
}

export function applyStringEdit(text: string, edit: StringEdit, shown: string): EditResult {
  const { oldString, newString } = edit;
  if (oldString === '') {
    throw new ToolError('old_string is empty. To create or overwrite a whole file use write_file.');
  }
  if (oldString === newString) throw new ToolError('old_string and new_string are identical; nothing to change.');
  const at = occurrenceLines(text, oldString);
  if (at.length === 0) {
    throw new ToolError(
      `old_string was not found in ${shown}. Re-read the file with read_file and copy the exact text, ` +
        `including whitespace and indentation (without the line-number prefix).`,
    );
  }
  if (at.length > 1 && !edit.replaceAll) {
    const where = at.slice(0, 10).join(', ') + (at.length > 10 ? ', …' : '');
    throw new ToolError(
      `old_string occurs ${at.length} times in ${shown} (lines ${where}). Include more surrounding lines ` +
        `to make it unique, or set replace_all to replace every occurrence. Re-read the file if unsure.`,
    );
  }
  // Build the result by slicing (String.replace would interpret `$&` etc. in new_string).
  const parts: string[] = [];
  const lines: Array<[number, number]> = [];
  const newSpan = countNewlines(newString, 0, newString.length);
  const oldSpan = countNewlines(oldString, 0, oldString.length);
  let from = 0;
  let shift = 0;
  for (let i = text.indexOf(oldString), k = 0; i !== -1; i = text.indexOf(oldString, i + oldString.length), k++) {
    parts.push(text.slice(from, i), newString);
    from = i + oldString.length;
    const start = at[k] + shift;
    lines.push([start, start + newSpan]);
    shift += newSpan - oldSpan;
    if (!edit.replaceAll) break;
  }
  parts.push(text.slice(from));
  return { text: parts.join(''), count: lines.length, lines };
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
