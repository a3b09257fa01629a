// The header: "New chat" and a drop-down list of past conversations.
import type { ConversationSummary } from './messages';
import { h, icon } from './dom';

export interface HistoryEvents {
  newChat(): void;
  open(id: string): void;
  refresh(): void;
}

export class HistoryBar {
  readonly el: HTMLElement;
  private readonly title = h('span', { cls: 'conv-title', text: 'New chat' });
  private readonly panel = h('div', { cls: 'history-panel hidden', attrs: { role: 'listbox', 'aria-label': 'Past conversations' } });
  private readonly toggle: HTMLButtonElement;
  private items: ConversationSummary[] = [];
  private currentId = '';

  constructor(private readonly events: HistoryEvents) {
    const newBtn = h('button', { cls: 'icon-button new-chat', title: 'New chat', attrs: { type: 'button', 'aria-label': 'New chat' } }, icon('plus'), h('span', { text: 'New chat' }));
    this.toggle = h('button', { cls: 'icon-button history-toggle', title: 'Past conversations', attrs: { type: 'button', 'aria-label': 'History', 'aria-expanded': 'false' } }, icon('history'), h('span', { text: 'History' }));
    this.el = h('div', { cls: 'header' }, h('div', { cls: 'header-row' }, this.title, h('span', { cls: 'spacer' }), this.toggle, newBtn), this.panel);
    newBtn.addEventListener('click', () => { this.hide(); this.events.newChat(); });
    this.toggle.addEventListener('click', () => {
      if (this.panel.classList.contains('hidden')) { this.show(); this.events.refresh(); } else this.hide();
    });
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { this.hide(); this.toggle.focus(); return; }
      if (e.key !== 'Enter' && e.key !== ' ') return;
      const row = (e.target as Element).closest<HTMLElement>('.history-item');
      if (!row?.dataset.id) return;
      e.preventDefault();
      this.hide();
      this.events.open(row.dataset.id);
    });
    this.panel.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('.history-item');
      if (!row?.dataset.id) return;
      this.hide();
      this.events.open(row.dataset.id);
    });
  }

  setCurrent(id: string, title: string): void {
    this.currentId = id;
    this.title.textContent = title || 'New chat';
    this.title.title = title;
    this.render();
  }

  setList(items: ConversationSummary[]): void {
    this.items = [...items].sort((a, b) => b.updatedAt - a.updatedAt);
    // The current conversation gets its title with the first message: show it without a reload.
    const current = this.items.find((c) => c.id === this.currentId);
    if (current?.title && current.title !== this.title.textContent) {
      this.title.textContent = current.title;
      this.title.title = current.title;
    }
    this.render();
  }

  private show(): void {
    this.panel.classList.remove('hidden');
    this.toggle.setAttribute('aria-expanded', 'true');
  }

  private hide(): void {
    this.panel.classList.add('hidden');
    this.toggle.setAttribute('aria-expanded', 'false');
  }

  private render(): void {
    if (!this.items.length) {
      this.panel.replaceChildren(h('div', { cls: 'history-empty', text: 'No past conversations yet.' }));
      return;
    }
    this.panel.replaceChildren(...this.items.map((c) => h('div', {
      cls: `history-item${c.id === this.currentId ? ' current' : ''}`,
      attrs: { 'data-id': c.id, role: 'option', tabindex: '0' },
    }, h('span', { cls: 'history-title', text: c.title || 'Untitled' }), h('span', { cls: 'history-time', text: ago(c.updatedAt) }))));
  }
}

function ago(ts: number): string {
  const s = Math.max(0, (Date.now() - ts) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 86400 * 30) return `${Math.floor(s / 86400)}d ago`;
  return new Date(ts).toLocaleDateString();
}
