// The header: "New chat" and a drop-down list of past conversations: searchable (title and message
// text, by the extension), each with its last run's state, Export (Markdown) and Delete (asks once
// more on the row).
import type { ConversationSummary } from './messages';
import { h, icon } from './dom';

export interface HistoryEvents {
  newChat(): void;
  open(id: string): void;
  /** Asks for the list again; `query` filters it. */
  refresh(query?: string): void;
  remove(id: string): void;
  exportMd(id: string): void;
}

export class HistoryBar {
  readonly el: HTMLElement;
  private readonly title = h('span', { cls: 'conv-title', text: 'New chat' });
  private readonly panel = h('div', { cls: 'history-panel hidden' });
  private readonly search = h('input', { cls: 'history-search', attrs: { type: 'search', placeholder: 'Search conversations', 'aria-label': 'Search conversations', maxlength: '500' } });
  private readonly list = h('div', { cls: 'history-list', attrs: { role: 'listbox', 'aria-label': 'Past conversations' } });
  private searchTimer = 0;
  /** The row whose Delete was clicked once (the second click deletes). */
  private confirming = '';
  private readonly toggle: HTMLButtonElement;
  private items: ConversationSummary[] = [];
  private currentId = '';

  constructor(private readonly events: HistoryEvents) {
    const newBtn = h('button', { cls: 'icon-button new-chat', title: 'New chat', attrs: { type: 'button', 'aria-label': 'New chat' } }, icon('plus'), h('span', { text: 'New chat' }));
    this.toggle = h('button', { cls: 'icon-button history-toggle', title: 'Past conversations', attrs: { type: 'button', 'aria-label': 'History', 'aria-expanded': 'false' } }, icon('history'), h('span', { text: 'History' }));
    this.el = h('div', { cls: 'header' }, h('div', { cls: 'header-row' }, this.title, h('span', { cls: 'spacer' }), this.toggle, newBtn), this.panel);
    this.panel.append(this.search, this.list);
    this.search.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => this.events.refresh(this.query || undefined), 150);
    });
    newBtn.addEventListener('click', () => { this.hide(); this.events.newChat(); });
    this.toggle.addEventListener('click', () => {
      if (this.panel.classList.contains('hidden')) { this.show(); this.events.refresh(this.query || undefined); } else this.hide();
    });
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { this.hide(); this.toggle.focus(); return; }
      if ((e.key !== 'Enter' && e.key !== ' ') || (e.target as Element).closest('button, input')) return;
      const row = (e.target as Element).closest<HTMLElement>('.history-item');
      if (!row?.dataset.id) return;
      e.preventDefault();
      this.hide();
      this.events.open(row.dataset.id);
    });
    this.panel.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('.history-item');
      if (!row?.dataset.id) return;
      const button = (e.target as Element).closest<HTMLElement>('button');
      if (button) return this.onButton(button, row.dataset.id);
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

  private get query(): string {
    return this.search.value.trim();
  }

  /** A list from the extension; `query` is the search it answers (absent: the whole list). */
  setList(items: ConversationSummary[], query?: string): void {
    // The current conversation gets its title with the first message: show it without a reload.
    const current = items.find((c) => c.id === this.currentId);
    if (current?.title && current.title !== this.title.textContent) {
      this.title.textContent = current.title;
      this.title.title = current.title;
    }
    // An answer to an older search, or an unfiltered update while a search is typed: not this list.
    if ((query ?? '') !== this.query) {
      if (this.query && query === undefined && !this.panel.classList.contains('hidden')) this.events.refresh(this.query);
      return;
    }
    this.items = [...items].sort((a, b) => b.updatedAt - a.updatedAt);
    this.render();
  }

  private onButton(button: HTMLElement, id: string): void {
    if (button.classList.contains('history-export')) return this.events.exportMd(id);
    if (!button.classList.contains('history-delete')) return;
    if (this.confirming !== id) {
      this.confirming = id;
      return this.render();
    }
    this.confirming = '';
    this.items = this.items.filter((c) => c.id !== id);
    this.render();
    this.events.remove(id);
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
      this.list.replaceChildren(h('div', { cls: 'history-empty', text: this.query ? 'No conversation matches.' : 'No past conversations yet.' }));
      return;
    }
    this.list.replaceChildren(...this.items.map((c) => {
      const confirm = this.confirming === c.id;
      const title = c.title || 'Untitled';
      return h('div', {
        cls: `history-item${c.id === this.currentId ? ' current' : ''}${confirm ? ' confirm-delete' : ''}`,
        attrs: { 'data-id': c.id, role: 'option', tabindex: '0' },
      },
      h('span', { cls: 'history-title', text: title }),
      statusBadge(c),
      h('span', { cls: 'history-time', text: ago(c.updatedAt) }),
      h('button', { cls: 'history-export', text: 'Export', title: 'Save as Markdown', attrs: { type: 'button', 'aria-label': `Export ${title} as Markdown` } }),
      h('button', { cls: 'history-delete', text: confirm ? 'Delete?' : 'Delete', title: confirm ? 'Click again to delete' : 'Delete this conversation', attrs: { type: 'button', 'aria-label': confirm ? `Confirm deleting ${title}` : `Delete ${title}` } }));
    }));
  }
}

/** The last run's state: running (several conversations may run at once), done, failed or stopped. */
function statusBadge(c: ConversationSummary): HTMLElement | null {
  if (!c.status) return null;
  return h('span', { cls: `history-status ${c.status}`, text: c.status, title: `Last run: ${c.status}`, attrs: { 'data-status': c.status } });
}

function ago(ts: number): string {
  const s = Math.max(0, (Date.now() - ts) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 86400 * 30) return `${Math.floor(s / 86400)}d ago`;
  return new Date(ts).toLocaleDateString();
}
