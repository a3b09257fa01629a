// A streaming markdown block rendered incrementally: completed top-level blocks (up to the last
// blank line outside a code fence) are rendered once and frozen; only the unfinished tail is
// re-rendered on each frame. finalize() does one exact full render when the block is complete.
import { h } from './dom';
import { renderFragment } from './markdown';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** Lines that may continue the previous block across a blank line (lists, indented code). */
const CONTINUES = /^(?:[ \t]|[-*+][ \t]|\d{1,9}[.)][ \t]|\[[^\]]*\]:)/;

/** The offset (relative to src) after the last blank line that safely ends a top-level block. */
export function lastStableBoundary(src: string): number {
  let inFence: string | null = null;
  let boundary = 0;
  let pos = 0;
  let prevBlank = false;
  for (let nl = src.indexOf('\n'); nl >= 0; pos = nl + 1, nl = src.indexOf('\n', pos)) {
    const line = src.slice(pos, nl);
    const m = FENCE.exec(line);
    if (inFence) {
      if (m && m[1][0] === inFence[0] && m[1].length >= inFence.length && line.trim() === m[1]) inFence = null;
      prevBlank = false;
      continue;
    }
    if (prevBlank && line.trim() !== '' && !CONTINUES.test(line)) boundary = pos;
    // A backtick fence's info string may not contain backticks.
    if (m && (m[1][0] !== '`' || !line.slice(line.indexOf(m[1]) + m[1].length).includes('`'))) inFence = m[1];
    prevBlank = line.trim() === '';
  }
  return boundary;
}

export class TextBlock {
  readonly el = h('div', { cls: 'md' });
  src = '';
  private frozenLen = 0;
  private frozenNodes = 0;
  private renderedLen = -1;
  private final = false;

  render(): void {
    if (this.renderedLen === this.src.length) return;
    this.renderedLen = this.src.length;
    const b = this.frozenLen + lastStableBoundary(this.src.slice(this.frozenLen));
    // Drop the live tail, keep the frozen head.
    while (this.el.childNodes.length > this.frozenNodes) this.el.lastChild!.remove();
    if (b > this.frozenLen) {
      const frag = renderFragment(this.src.slice(this.frozenLen, b));
      this.frozenNodes += frag.childNodes.length;
      this.el.append(frag);
      this.frozenLen = b;
    }
    this.el.append(renderFragment(this.src.slice(this.frozenLen)));
  }

  /** More text is coming after all (a live run picked up again): render incrementally again. */
  reopen(): void {
    this.final = false;
  }

  /** One exact render of the whole text (fixes anything split rendering could differ on). */
  finalize(): void {
    if (this.final) return;
    this.final = true;
    if (this.frozenLen === 0 && this.renderedLen === this.src.length) return;
    this.el.replaceChildren(renderFragment(this.src));
    this.frozenLen = 0;
    this.frozenNodes = 0;
    this.renderedLen = this.src.length;
  }
}
