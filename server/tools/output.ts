// Output capping shared by every tool (the runner applies it to each result).

/** Largest tool result, in characters, that goes back to the model. */
export const MAX_TOOL_OUTPUT_CHARS = 30_000;

/**
 * Returns `text` unchanged when it fits, else its head and tail with a note in the middle
 * saying how much was cut, e.g. `[… 12,345 characters cut …]`. Cuts on line boundaries
 * when one is near.
 */
export function capOutput(text: string, maxChars: number = MAX_TOOL_OUTPUT_CHARS): string {
  if (text.length <= maxChars) return text;
  const budget = Math.max(0, maxChars - 60); // leave room for the note
  let headEnd = Math.ceil(budget * 0.6);
  let tailStart = text.length - (budget - headEnd);
  const nl = text.lastIndexOf('\n', headEnd);
  if (nl > headEnd - 200 && nl > 0) headEnd = nl + 1;
  const nl2 = text.indexOf('\n', tailStart);
  if (nl2 !== -1 && nl2 < tailStart + 200) tailStart = nl2 + 1;
  const cut = tailStart - headEnd;
  const head = text.slice(0, headEnd);
  return `${head}${head.endsWith('\n') ? '' : '\n'}[… ${cut.toLocaleString('en-US')} characters cut …]\n${text.slice(tailStart)}`;
}

/** Cuts one long line to `max` characters, keeping the part around `focus` (a column) visible. */
export function cutLine(line: string, max: number, focus = 0): string {
  if (line.length <= max) return line;
  const start = Math.max(0, Math.min(focus - Math.floor(max / 3), line.length - max));
  const end = start + max;
  return (start > 0 ? '…' : '') + line.slice(start, end) + (end < line.length ? `… [line cut, ${line.length} chars]` : '');
}

/** Keeps the first and last `keep` characters of a growing stream, counting what falls between. */
export class HeadTailBuffer {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly keep: number) {}

  push(chunk: string): void {
    if (this.head.length < this.keep) {
      const room = this.keep - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
      if (!chunk) return;
    }
    this.tail += chunk;
    if (this.tail.length > this.keep) {
      const extra = this.tail.length - this.keep;
      this.dropped += extra;
      this.tail = this.tail.slice(extra);
    }
  }

  toString(): string {
    if (!this.dropped) return this.head + this.tail;
    return `${this.head}\n[… ${this.dropped.toLocaleString('en-US')} characters cut …]\n${this.tail}`;
  }
}
