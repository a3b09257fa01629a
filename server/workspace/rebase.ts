// Rebasing an edit_file made against a stale read (pure; no I/O).
//
// The agent read version R; the file is now C. Its edit is applied to C only when it means exactly
// what it meant on R: every place `old_string` matched in R lies in lines that did not change
// between R and C (mapped through the line diff R → C), and `old_string` occurs in C exactly at the
// mapped places and nowhere else. The result is then the serial edit on C: a serial replay accepts
// it and produces the same text. Anything else is refused by the caller, as a stale edit was before.
// "value: 10" in a line now reading "value: 100" is refused: that line changed.
import { applyStringEdit, type EditResult, type StringEdit } from './edits';
import { regionMapper } from './merge3';

/** Why a stale edit could not be rebased (shown to the model). */
export type RebaseRefusal = 'overlap' | 'ambiguous';

export function rebaseStringEdit(read: string, current: string, edit: StringEdit, shown: string): EditResult | RebaseRefusal {
  const { oldString } = edit;
  if (oldString === '' || oldString === edit.newString) return 'ambiguous';
  const before = positions(read, oldString);
  if (before.length === 0 || (before.length > 1 && !edit.replaceAll)) return 'ambiguous';
  const map = regionMapper(read, current);
  const mapped: number[] = [];
  for (const p of before) {
    const q = map(p, p + oldString.length);
    if (q === undefined) return 'overlap';
    mapped.push(q);
  }
  const now = positions(current, oldString);
  if (now.length !== mapped.length || now.some((q, i) => q !== mapped[i])) return 'ambiguous';
  return applyStringEdit(current, edit, shown);
}

/** Start offsets of the non-overlapping occurrences of `needle`, scanning left to right. */
function positions(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) out.push(i);
  return out;
}
