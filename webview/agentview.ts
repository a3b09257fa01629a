// The transcript of one agent within a run: thinking, text, tool cards and notices, in arrival order.
import type { SwarmEvent } from '../server/protocol';
import { h, icon } from './dom';
import { TextBlock } from './textblock';
import { ToolCard } from './toolcard';

/** Re-renders dirty markdown blocks at most once per animation frame (across all agents). */
const dirty = new Set<TextBlock>();
let frame = 0;
function scheduleRender(block: TextBlock, onRendered: () => void): void {
  dirty.add(block);
  afterRender.add(onRendered);
  if (!frame) frame = requestAnimationFrame(flushRenders);
}
const afterRender = new Set<() => void>();
export function flushRenders(): void {
  if (frame) { cancelAnimationFrame(frame); frame = 0; }
  for (const b of dirty) b.render();
  dirty.clear();
  const cbs = [...afterRender];
  afterRender.clear();
  for (const cb of cbs) cb();
}

class ThinkingBlock {
  readonly el: HTMLDetailsElement;
  private readonly label = h('span', { cls: 'thinking-label', text: 'Thinking…' });
  private readonly text = h('div', { cls: 'thinking-text' });
  private started = Date.now();
  constructor(replay: boolean) {
    this.el = h('details', { cls: 'thinking streaming' }, h('summary', {}, icon('thinking'), this.label), this.text);
    if (replay) this.started = 0;
  }
  append(t: string): void { this.text.append(document.createTextNode(t)); }
  finish(): void {
    if (!this.el.classList.contains('streaming')) return;
    this.el.classList.remove('streaming');
    const secs = this.started ? Math.max(1, Math.round((Date.now() - this.started) / 1000)) : 0;
    this.label.textContent = secs ? `Thought for ${secs}s` : 'Thought';
  }
}

export interface AgentStats { steps: number; toolCalls: number; tokens: number; currentTool?: string }

export class AgentView {
  readonly el = h('div', { cls: 'agent-transcript' });
  private text?: TextBlock;
  /** The text block the last endSegment() closed: a reopened live run continues it. */
  private closedText?: TextBlock;
  private thinking?: ThinkingBlock;
  private readonly tools = new Map<string, ToolCard>();
  readonly stats: AgentStats = { steps: 0, toolCalls: 0, tokens: 0 };
  /** Accumulated final text (for lane previews). */
  fullText = '';

  constructor(private replay: boolean, private readonly changed: () => void) {}

  /** Handles one event addressed to this agent. Returns false for events it does not render. */
  handle(ev: SwarmEvent): boolean {
    switch (ev.type) {
      case 'text_delta': {
        this.endThinking();
        if (!this.text) { this.text = new TextBlock(); this.el.append(this.text.el); }
        this.text.src += ev.text;
        this.fullText += ev.text;
        // Replayed runs render each block once, when it closes.
        if (!this.replay) scheduleRender(this.text, this.changed);
        return true;
      }
      case 'reasoning_delta': {
        if (this.text) this.endSegment();
        if (!this.thinking) { this.thinking = new ThinkingBlock(this.replay); this.el.append(this.thinking.el); }
        this.thinking.append(ev.text);
        this.changed();
        return true;
      }
      case 'tool_called': {
        this.endSegment();
        const card = new ToolCard(ev.callId, ev.name, ev.args);
        this.tools.set(ev.callId, card);
        this.stats.toolCalls++;
        this.stats.currentTool = ev.name;
        this.el.append(card.el);
        this.changed();
        return true;
      }
      case 'tool_output': {
        const card = this.tools.get(ev.callId);
        if (card) card.complete(ev.ok, ev.output);
        else this.el.append(h('div', { cls: 'notice', text: `Result for unknown call ${ev.callId}` }));
        if ([...this.tools.values()].every((c) => c.state !== 'running')) this.stats.currentTool = undefined;
        this.changed();
        return true;
      }
      case 'usage':
        this.stats.steps++;
        this.stats.tokens += ev.tokens.input + ev.tokens.output;
        return true;
      case 'retry':
        this.endSegment();
        this.el.append(h('div', { cls: 'notice retry' }, icon('retry'),
          h('span', { text: `Retrying (attempt ${ev.attempt}) in ${(ev.delayMs / 1000).toFixed(1)}s: ${ev.reason}` })));
        this.changed();
        return true;
      case 'error':
        this.endSegment();
        this.showError(ev.message);
        return true;
      default:
        return false;
    }
  }

  showError(message: string): void {
    this.endSegment();
    this.el.append(h('div', { cls: 'error-block', attrs: { role: 'alert' } }, icon('error'), h('span', { text: message })));
    this.changed();
  }

  notice(text: string, cls = ''): void {
    this.endSegment();
    this.el.append(h('div', { cls: `notice ${cls}`, text }));
    this.changed();
  }

  /** Renders a stored final answer when no events carry it. */
  setText(markdown: string): void {
    const block = new TextBlock();
    block.src = markdown;
    block.finalize();
    this.el.append(block.el);
    this.fullText += markdown;
  }

  hasText(): boolean { return this.fullText.length > 0; }

  /** Appends a foreign block (the swarm panel); later text starts a new block after it. */
  appendBlock(el: HTMLElement): void {
    this.endSegment();
    this.el.append(el);
  }

  /** The run (or this agent) ended: close thinking and mark unanswered calls. */
  finish(): void {
    this.endSegment();
    for (const c of this.tools.values()) c.abandon();
    this.stats.currentTool = undefined;
  }

  /**
   * Undoes finish() for a replayed run that is still live: later events render live, and text that
   * was cut off mid-sentence by the reload goes on in the same block (not as a new paragraph).
   */
  reopen(): void {
    this.replay = false;
    for (const c of this.tools.values()) c.reopen();
    if (this.closedText && this.el.lastElementChild === this.closedText.el) {
      this.text = this.closedText;
      this.text.reopen();
    }
  }

  private endThinking(): void {
    this.thinking?.finish();
    this.thinking = undefined;
  }

  private endSegment(): void {
    this.endThinking();
    if (this.text) {
      dirty.delete(this.text);
      this.text.finalize();
      this.closedText = this.text;
    }
    this.text = undefined;
  }
}
