// The `@`-mention popup above the composer: opens while the word at the caret starts with `@`
// (at the start of the input or after a space or bracket, so `a@b.com` never opens it). It lists
// the special mentions (@problems, @terminal, @git, @selection) and the server's fuzzy files,
// folders and symbols (swarm/mentions); ↑/↓ move, Tab/Enter pick, Esc closes, a click picks.
import type { MentionItem } from '../server/protocol';
import type { ContextRef } from './messages';
import { h } from './dom';

/** The `@query` before the caret: `query` and where its `@` is; undefined when the caret is not in a mention. */
export function mentionAt(text: string, caret: number): { query: string; start: number } | undefined {
  const m = /(^|[\s([{"'])@([^\s@'"`()[\]{}<>,;|]*)$/.exec(text.slice(0, caret));
  if (!m) return undefined;
  return { query: m[2], start: caret - m[2].length - 1 };
}

export interface Choice {
  /** What replaces `@query` in the input (without the `@`). */
  token: string;
  ref: ContextRef;
  label: string;
  detail: string;
  kind: 'special' | MentionItem['kind'];
}

export const SPECIALS: Choice[] = [
  { token: 'problems', ref: { kind: 'problems' }, label: '@problems', detail: 'errors and warnings in the workspace', kind: 'special' },
  { token: 'terminal', ref: { kind: 'terminal' }, label: '@terminal', detail: "the last terminal command's output", kind: 'special' },
  { token: 'git', ref: { kind: 'git' }, label: '@git', detail: 'uncommitted changes (git diff)', kind: 'special' },
  { token: 'selection', ref: { kind: 'selection' }, label: '@selection', detail: "the editor's selection", kind: 'special' },
];

function fromItem(m: MentionItem): Choice {
  if (m.kind === 'symbol') {
    return { token: m.label, ref: { kind: 'symbol', name: m.label, path: m.path, line: m.line ?? 1 }, label: m.label, detail: `${m.detail ?? 'symbol'} · ${m.path}:${m.line ?? 1}`, kind: 'symbol' };
  }
  return { token: m.path, ref: { kind: 'path', path: m.path }, label: m.kind === 'folder' ? `${m.label}/` : m.label, detail: m.detail ?? '', kind: m.kind };
}

export class MentionMenu {
  readonly el = h('div', { cls: 'mention-menu hidden', attrs: { role: 'listbox', 'aria-label': 'Mentions' } });
  private choices: Choice[] = [];
  private index = 0;
  private query: string | undefined;
  private seq = 0;

  constructor(
    /** Asks for the server's completions; answered through results(). */
    private readonly request: (id: number, query: string) => void,
    private readonly pick: (choice: Choice) => void,
  ) {
    // mousedown, not click: the textarea keeps its focus.
    this.el.addEventListener('mousedown', (e) => {
      const item = (e.target as Element).closest<HTMLElement>('.mention-item');
      if (!item) return;
      e.preventDefault();
      const c = this.choices[Number(item.dataset.index)];
      if (c) this.choose(c);
    });
  }

  get open(): boolean {
    return !this.el.classList.contains('hidden');
  }

  /** Called on input and caret moves with the input's text and caret. */
  update(text: string, caret: number): void {
    const at = mentionAt(text, caret);
    if (!at) return this.close();
    if (at.query === this.query) return;
    this.query = at.query;
    const q = at.query.toLowerCase();
    this.show(SPECIALS.filter((s) => s.token.startsWith(q)));
    this.request(++this.seq, at.query);
  }

  /** The server's completions for request `id` (stale answers are dropped). */
  results(id: number, items: MentionItem[]): void {
    if (id !== this.seq || this.query === undefined) return;
    const q = this.query.toLowerCase();
    this.show([...SPECIALS.filter((s) => s.token.startsWith(q)), ...items.map(fromItem)]);
  }

  close(): void {
    this.el.classList.add('hidden');
    this.choices = [];
    this.index = 0;
    this.query = undefined;
    this.seq++;
  }

  /** Keyboard handling while open; true when the key was used. */
  key(e: KeyboardEvent): boolean {
    if (!this.open) return false;
    switch (e.key) {
      case 'ArrowDown':
        this.index = (this.index + 1) % this.choices.length;
        break;
      case 'ArrowUp':
        this.index = (this.index - 1 + this.choices.length) % this.choices.length;
        break;
      case 'Tab':
      case 'Enter':
        if (e.shiftKey) return false;
        // Enter after a mention typed in full sends the message instead of completing it again.
        if (e.key === 'Enter' && this.choices[this.index]?.token.toLowerCase() === this.query?.toLowerCase()) {
          this.close();
          return false;
        }
        this.choose(this.choices[this.index]);
        break;
      case 'Escape':
        this.close();
        break;
      default:
        return false;
    }
    e.preventDefault();
    e.stopPropagation();
    if (this.open) this.render();
    return true;
  }

  private show(choices: Choice[]): void {
    this.choices = choices;
    if (!choices.length) {
      this.el.classList.add('hidden');
      return;
    }
    this.index = Math.min(this.index, choices.length - 1);
    this.render();
    this.el.classList.remove('hidden');
  }

  private choose(c: Choice): void {
    this.close();
    this.pick(c);
  }

  private render(): void {
    this.el.replaceChildren(...this.choices.map((c, i) => {
      const selected = i === this.index;
      return h('div', { cls: `mention-item kind-${c.kind}${selected ? ' selected' : ''}`, attrs: { role: 'option', 'aria-selected': String(selected), 'data-index': String(i) } },
        h('span', { cls: 'mention-kind', text: c.kind === 'special' ? '@' : c.kind === 'folder' ? 'dir' : c.kind === 'symbol' ? 'sym' : 'file' }),
        h('span', { cls: 'mention-label', text: c.label }),
        h('span', { cls: 'mention-detail', text: c.detail }));
    }));
    (this.el.children[this.index] as HTMLElement | undefined)?.scrollIntoView?.({ block: 'nearest' });
  }
}
