// The context row above the input: a chip for the active editor file (and its selection), on by
// default and removable until the active file changes, and a chip per `@`-mention in the input
// (removing one takes its `@token` out of the text). refs() is what a send attaches.
import type { ContextRef, EditorContext } from './messages';
import { h } from './dom';
import { SPECIALS } from './mentions';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `@token` as a mention (not inside a word, not the start of a longer token); group 1 is what precedes it. */
function mentionRe(token: string, flags = ''): RegExp {
  return new RegExp(`(^|[\\s([{"'])@${escapeRe(token)}(?=$|[\\s.,:;!?)\\]}'"])`, flags);
}

/** Whether `@token` stands in `text` as a mention. */
export function hasMention(text: string, token: string): boolean {
  return mentionRe(token).test(text);
}

/** `text` without its `@token` mentions (and the space after each). */
export function withoutMention(text: string, token: string): string {
  return text.replace(new RegExp(`${mentionRe(token).source} ?`, 'g'), '$1');
}

function chipLabel(ref: ContextRef, token: string): string {
  return ref.kind === 'path' || ref.kind === 'symbol' ? token.slice(token.lastIndexOf('/') + 1) || token : `@${token}`;
}

export class ContextChips {
  readonly el = h('div', { cls: 'context-chips hidden', attrs: { 'aria-label': 'Attached context' } });
  private enabled = true;
  private editor: EditorContext | undefined;
  /** The user removed the editor chip; it comes back when another file becomes active. */
  private editorRemoved = false;
  /** Mentions picked from the popup, by token. */
  private picked = new Map<string, ContextRef>();
  private text = '';

  constructor(private readonly removeMention: (token: string) => void) {}

  setEditor(enabled: boolean, editor: EditorContext | undefined): void {
    if (editor?.path !== this.editor?.path) this.editorRemoved = false;
    this.enabled = enabled;
    this.editor = editor;
    this.render();
  }

  track(token: string, ref: ContextRef): void {
    this.picked.set(token, ref);
    this.render();
  }

  /** The input changed: chips follow the mentions still in it. */
  setText(text: string): void {
    this.text = text;
    this.render();
  }

  /** After a send: the mentions went with the message; the editor chip stays. */
  reset(): void {
    this.picked.clear();
    this.text = '';
    this.render();
  }

  /** The mentions in `text` (picked ones and typed special ones) and the editor chip, for a send. */
  refs(text: string): ContextRef[] {
    const out: ContextRef[] = [];
    for (const [token, ref] of this.mentions(text)) if (token) out.push(ref);
    if (this.editorShown()) out.push({ kind: 'editor' });
    return out;
  }

  private editorShown(): boolean {
    return this.enabled && !!this.editor && !this.editorRemoved;
  }

  private mentions(text: string): [string, ContextRef][] {
    const out: [string, ContextRef][] = [];
    for (const [token, ref] of this.picked) if (hasMention(text, token)) out.push([token, ref]);
    for (const s of SPECIALS) if (!this.picked.has(s.token) && hasMention(text, s.token)) out.push([s.token, s.ref]);
    return out;
  }

  private render(): void {
    const chips: HTMLElement[] = [];
    if (this.editorShown()) {
      const e = this.editor!;
      const name = e.path.slice(e.path.lastIndexOf('/') + 1);
      const lines = e.selection ? (e.selection.startLine === e.selection.endLine ? `:${e.selection.startLine}` : `:${e.selection.startLine}-${e.selection.endLine}`) : '';
      chips.push(this.chip('chip-editor', `${name}${lines}`, `Current file${e.selection ? ' and selection' : ''}: ${e.path}${lines} (sent with the message)`, () => {
        this.editorRemoved = true;
        this.render();
      }));
    }
    for (const [token, ref] of this.mentions(this.text)) {
      chips.push(this.chip(`chip-mention chip-${ref.kind}`, chipLabel(ref, token), ref.kind === 'path' ? ref.path : ref.kind === 'symbol' ? `${ref.name} in ${ref.path}:${ref.line}` : `@${token}`, () => this.removeMention(token)));
    }
    this.el.replaceChildren(...chips);
    this.el.classList.toggle('hidden', chips.length === 0);
  }

  private chip(cls: string, label: string, title: string, remove: () => void): HTMLElement {
    const rm = h('button', { cls: 'chip-remove', text: '×', title: 'Remove', attrs: { type: 'button', 'aria-label': `Remove ${label}` } });
    rm.addEventListener('click', remove);
    return h('span', { cls: `chip ${cls}`, title }, h('span', { cls: 'chip-label', text: label }), rm);
  }
}
