// The slash-command popup above the composer: opens while the input is `/` plus a partial name,
// filters the commands (prefix matches first), ↑/↓ move, Tab/Enter complete, Esc closes.
import type { CommandInfo } from '../server/protocol';
import { h } from './dom';

const PARTIAL = /^\/([A-Za-z0-9_.:-]*)$/;

export class SlashMenu {
  readonly el = h('div', { cls: 'slash-menu hidden', attrs: { role: 'listbox', 'aria-label': 'Slash commands' } });
  private commands: CommandInfo[] = [];
  private matches: CommandInfo[] = [];
  private index = 0;

  constructor(private readonly pick: (command: CommandInfo) => void) {
    // mousedown, not click: the textarea keeps its focus.
    this.el.addEventListener('mousedown', (e) => {
      const item = (e.target as Element).closest<HTMLElement>('.slash-item');
      if (!item) return;
      e.preventDefault();
      const cmd = this.matches[Number(item.dataset.index)];
      if (cmd) this.choose(cmd);
    });
  }

  setCommands(commands: CommandInfo[]): void {
    this.commands = commands;
  }

  find(name: string): CommandInfo | undefined {
    return this.commands.find((c) => c.name === name);
  }

  get open(): boolean {
    return !this.el.classList.contains('hidden');
  }

  /** Called on every input change with the whole input text. */
  update(text: string): void {
    const m = PARTIAL.exec(text);
    if (!m) return this.close();
    const q = m[1].toLowerCase();
    const prefix = this.commands.filter((c) => c.name.toLowerCase().startsWith(q));
    const inner = q ? this.commands.filter((c) => !c.name.toLowerCase().startsWith(q) && c.name.toLowerCase().includes(q)) : [];
    this.matches = [...prefix, ...inner];
    if (!this.matches.length) return this.close();
    this.index = Math.min(this.index, this.matches.length - 1);
    this.render();
    this.el.classList.remove('hidden');
  }

  close(): void {
    this.el.classList.add('hidden');
    this.matches = [];
    this.index = 0;
  }

  /** Keyboard handling while open; true when the key was used. */
  key(e: KeyboardEvent): boolean {
    if (!this.open) return false;
    switch (e.key) {
      case 'ArrowDown':
        this.index = (this.index + 1) % this.matches.length;
        break;
      case 'ArrowUp':
        this.index = (this.index - 1 + this.matches.length) % this.matches.length;
        break;
      case 'Tab':
      case 'Enter':
        if (e.shiftKey) return false;
        this.choose(this.matches[this.index]);
        break;
      case 'Escape':
        this.close();
        break;
      default:
        return false;
    }
    e.preventDefault();
    if (this.open) this.render();
    return true;
  }

  private choose(cmd: CommandInfo): void {
    this.close();
    this.pick(cmd);
  }

  private render(): void {
    this.el.replaceChildren(...this.matches.map((c, i) => {
      const selected = i === this.index;
      return h('div', { cls: `slash-item${selected ? ' selected' : ''}`, attrs: { role: 'option', 'aria-selected': String(selected), 'data-index': String(i) } },
        h('span', { cls: 'slash-name', text: `/${c.name}` }),
        c.argumentHint ? h('span', { cls: 'slash-hint', text: c.argumentHint }) : null,
        h('span', { cls: 'slash-desc', text: c.description }),
        c.source !== 'builtin' ? h('span', { cls: 'slash-source', text: c.source }) : null);
    }));
    (this.el.children[this.index] as HTMLElement | undefined)?.scrollIntoView?.({ block: 'nearest' });
  }
}
