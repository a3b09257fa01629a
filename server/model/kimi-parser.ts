// Incremental parser of Kimi K2 / K2.5 generated text into ModelEvents. Text arrives in arbitrary
// chunks (a special token may be split across chunks when detokenised piecewise), so anything that
// could still become a marker is held back until it is decided.
//
//   [<think>] reasoning </think> text <|tool_calls_section_begin|>
//     <|tool_call_begin|>functions.NAME:IDX<|tool_call_argument_begin|>{json}<|tool_call_end|> …
//   <|tool_calls_section_end|> <|im_end|>
//
// A tool-call section also ends reasoning (the model may open it without closing </think>).
import type { ModelEvent, ToolCall } from './types';
import { K, parseKimiToolCallId } from './kimi-template';

export type KimiParseState = 'reasoning' | 'text' | 'section' | 'call_id' | 'call_args' | 'ended';

const MARKERS = [
  K.thinkOpen,
  K.thinkClose,
  K.sectionBegin,
  K.sectionEnd,
  K.callBegin,
  K.argBegin,
  K.callEnd,
  K.imEnd,
  K.eos,
  // Some Kimi checkpoints emit the singular spelling.
  '<|tool_call_section_begin|>',
  '<|tool_call_section_end|>',
] as const;

/** Length of the longest suffix of `s` that is a proper prefix of some marker. */
function heldBackLength(s: string): number {
  const max = Math.min(s.length, 32);
  for (let n = max; n > 0; n--) {
    const tail = s.slice(s.length - n);
    if (MARKERS.some((m) => m.length > n && m.startsWith(tail))) return n;
  }
  return 0;
}

export class KimiStreamParser {
  private buf = '';
  private _state: KimiParseState;
  private callId = '';
  private callArgs = '';
  private calls = 0;

  /** `startInReasoning`: the prompt ended in `<think>` (thinking mode). */
  constructor(opts: { startInReasoning: boolean }) {
    this._state = opts.startInReasoning ? 'reasoning' : 'text';
  }

  get state(): KimiParseState {
    return this._state;
  }

  isEnded(): boolean {
    return this._state === 'ended';
  }

  /** Tool calls completed so far. */
  get toolCallCount(): number {
    return this.calls;
  }

  push(chunk: string): ModelEvent[] {
    if (this._state === 'ended') return [];
    this.buf += chunk;
    const events: ModelEvent[] = [];
    for (;;) {
      let at = -1;
      let marker = '';
      for (const m of MARKERS) {
        const i = this.buf.indexOf(m);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          marker = m;
        }
      }
      if (at < 0) {
        const hold = heldBackLength(this.buf);
        this.emitContent(this.buf.slice(0, this.buf.length - hold), events);
        this.buf = this.buf.slice(this.buf.length - hold);
        return events;
      }
      this.emitContent(this.buf.slice(0, at), events);
      this.buf = this.buf.slice(at + marker.length);
      this.onMarker(marker, events);
      if (this.isEnded()) {
        this.buf = '';
        return events;
      }
    }
  }

  /** Flushes held-back text; a call cut off mid-arguments is still reported (arguments may be malformed). */
  end(): ModelEvent[] {
    const events: ModelEvent[] = [];
    if (this._state !== 'ended') {
      this.emitContent(this.buf, events);
      this.buf = '';
      if (this._state === 'call_args' || this._state === 'call_id') this.finishCall(events);
      this._state = 'ended';
    }
    return events;
  }

  /**
   * A call the caller decoded itself (the embedded engine steers name and arguments by grammar
   * and never passes them through the marker scan, so marker text inside an argument string stays
   * argument text). `null` drops a call that was cut off before its name was complete. The parser
   * is left inside the tool-call section.
   */
  recordCall(call: ToolCall | null): ModelEvent[] {
    if (this._state === 'ended') return [];
    this.callId = '';
    this.callArgs = '';
    this._state = 'section';
    if (!call) return [];
    this.calls++;
    return [{ type: 'tool_call', call }];
  }

  private emitContent(text: string, events: ModelEvent[]): void {
    if (!text) return;
    switch (this._state) {
      case 'reasoning':
        events.push({ type: 'reasoning', text });
        break;
      case 'text':
        events.push({ type: 'text', text });
        break;
      case 'call_id':
        this.callId += text;
        break;
      case 'call_args':
        this.callArgs += text;
        break;
      default:
        break; // whitespace between calls in a section
    }
  }

  private onMarker(marker: string, events: ModelEvent[]): void {
    switch (marker) {
      case K.thinkOpen:
        if (this._state === 'text') this._state = 'reasoning';
        break;
      case K.thinkClose:
        if (this._state === 'reasoning') this._state = 'text';
        break;
      case K.sectionBegin:
      case '<|tool_call_section_begin|>':
        if (this._state === 'reasoning' || this._state === 'text') this._state = 'section';
        break;
      case K.callBegin:
        if (this._state === 'call_args' || this._state === 'call_id') this.finishCall(events);
        this._state = 'call_id';
        this.callId = '';
        this.callArgs = '';
        break;
      case K.argBegin:
        if (this._state === 'call_id') this._state = 'call_args';
        break;
      case K.callEnd:
        if (this._state === 'call_args' || this._state === 'call_id') this.finishCall(events);
        this._state = 'section';
        break;
      case K.sectionEnd:
      case '<|tool_call_section_end|>':
        if (this._state === 'call_args' || this._state === 'call_id') this.finishCall(events);
        this._state = 'text';
        break;
      case K.imEnd:
      case K.eos:
        if (this._state === 'call_args' || this._state === 'call_id') this.finishCall(events);
        this._state = 'ended';
        break;
    }
  }

  private finishCall(events: ModelEvent[]): void {
    const id = this.callId.trim();
    const parsed = parseKimiToolCallId(id);
    const name = parsed?.name ?? id.replace(/^functions\./, '').replace(/:\d+$/, '');
    const call: ToolCall = { id, name, arguments: this.callArgs.trim() };
    events.push({ type: 'tool_call', call });
    this.calls++;
    this.callId = '';
    this.callArgs = '';
    this._state = 'section';
  }
}

/** Parses a whole completion at once (tests, non-streaming callers). */
export function parseKimiCompletion(text: string, startInReasoning: boolean): ModelEvent[] {
  const p = new KimiStreamParser({ startInReasoning });
  return [...p.push(text), ...p.end()];
}
