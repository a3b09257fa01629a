// The input area: textarea (Enter sends, Shift+Enter newline), image paste/attach with thumbnails,
// thinking mode, the Plan toggle, the slash-command and `@`-mention popups, the context chips,
// send and stop buttons.
import type { CommandInfo, ImageInput, MentionItem, ThinkingMode } from '../server/protocol';
import type { ContextRef, EditorContext } from './messages';
import { ContextChips, withoutMention } from './chips';
import { h, icon } from './dom';
import { MentionMenu, mentionAt, type Choice } from './mentions';
import { SlashMenu } from './slash';

const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export interface ComposerEvents {
  send(text: string, images: ImageInput[], thinking: ThinkingMode | undefined, plan: boolean, context: ContextRef[]): void;
  /** The `@` popup wants completions (answered through Composer.mentionResults). */
  mentionQuery(id: number, query: string): void;
  /** A command the chat panel carries out itself (`/compact`, `/undo`, `/clear`, …). */
  command(name: string, args: string): void;
  /** The slash popup opened: the command list may be refreshed. */
  commandsWanted(): void;
  stop(): void;
  /** The "→ Component" action on an attached image. */
  toComponent(image: ImageInput, name: string | undefined): void;
  draftChanged(draft: string, thinking: ThinkingMode | ''): void;
}

export class Composer {
  readonly el: HTMLElement;
  readonly input: HTMLTextAreaElement;
  private readonly fileInput: HTMLInputElement;
  private readonly thumbs = h('div', { cls: 'thumbs' });
  private readonly sendBtn: HTMLButtonElement;
  private readonly stopBtn: HTMLButtonElement;
  private readonly thinkingSel: HTMLSelectElement;
  private readonly note = h('div', { cls: 'composer-note' });
  private readonly planBtn: HTMLButtonElement;
  readonly slash = new SlashMenu((cmd) => this.complete(cmd));
  readonly mentions: MentionMenu;
  readonly chips = new ContextChips((token) => this.removeMention(token));
  private images: ImageInput[] = [];
  /** File names of `images` where known (pasted images have none). */
  private names: (string | undefined)[] = [];
  private busy = false;

  constructor(private readonly events: ComposerEvents, draft: string, thinking: ThinkingMode | '') {
    this.mentions = new MentionMenu((id, q) => events.mentionQuery(id, q), (c) => this.insertMention(c));
    this.input = h('textarea', { cls: 'input', attrs: { rows: '1', placeholder: 'Ask SwarmCode… (Enter to send, Shift+Enter for a new line)', 'aria-label': 'Message' } });
    this.input.value = draft;
    this.fileInput = h('input', { cls: 'file-input', attrs: { type: 'file', accept: 'image/*', multiple: '' } });
    const attach = h('button', { cls: 'icon-button attach', title: 'Attach image', attrs: { type: 'button', 'aria-label': 'Attach image' } }, icon('image'), h('span', { text: 'Image' }));
    this.thinkingSel = h('select', { cls: 'thinking-select', title: 'Thinking mode', attrs: { 'aria-label': 'Thinking mode' } },
      h('option', { text: 'Thinking: default', attrs: { value: '' } }),
      h('option', { text: 'Thinking: auto', attrs: { value: 'auto' } }),
      h('option', { text: 'Thinking: on', attrs: { value: 'on' } }),
      h('option', { text: 'Thinking: off', attrs: { value: 'off' } }));
    this.thinkingSel.value = thinking;
    this.planBtn = h('button', {
      cls: 'button plan-toggle', text: 'Plan', title: 'Plan mode: the agent only reads and answers with a plan; nothing in the workspace changes',
      attrs: { type: 'button', 'aria-pressed': 'false' },
    });
    this.sendBtn = h('button', { cls: 'button primary send', text: 'Send', attrs: { type: 'button' } });
    this.stopBtn = h('button', { cls: 'button stop hidden', title: 'Stop the run', attrs: { type: 'button' } }, icon('stop'), h('span', { text: 'Stop' }));

    this.el = h('div', { cls: 'composer' },
      this.slash.el,
      this.mentions.el,
      this.chips.el,
      this.thumbs,
      this.note,
      h('div', { cls: 'input-wrap' }, this.input),
      h('div', { cls: 'composer-bar' }, attach, this.fileInput, this.thinkingSel, this.planBtn, h('span', { cls: 'spacer' }), this.stopBtn, this.sendBtn));

    this.input.addEventListener('keydown', (e) => {
      if (!e.isComposing && (this.mentions.key(e) || this.slash.key(e))) return;
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey) {
        e.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => { this.autosize(); this.saveDraft(); this.onSlashInput(); this.onMentionInput(); });
    // Caret moves without typing (arrows, clicks) open or close the mention popup too.
    this.input.addEventListener('keyup', (e) => { if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End') this.onMentionInput(); });
    this.input.addEventListener('click', () => this.onMentionInput());
    this.input.addEventListener('blur', () => { this.slash.close(); this.mentions.close(); });
    this.planBtn.addEventListener('click', () => this.setPlan(!this.plan));
    this.input.addEventListener('paste', (e) => this.onPaste(e));
    this.thinkingSel.addEventListener('change', () => this.saveDraft());
    attach.addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => {
      void this.addFiles([...(this.fileInput.files ?? [])]).then(() => { this.fileInput.value = ''; });
    });
    this.sendBtn.addEventListener('click', () => this.submit());
    this.stopBtn.addEventListener('click', () => this.events.stop());
    this.el.addEventListener('dragover', (e) => { e.preventDefault(); });
    this.el.addEventListener('drop', (e) => {
      e.preventDefault();
      void this.addFiles([...(e.dataTransfer?.files ?? [])]);
    });
    queueMicrotask(() => this.autosize());
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.stopBtn.classList.toggle('hidden', !busy);
    this.sendBtn.classList.toggle('hidden', busy);
    this.el.classList.toggle('busy', busy);
  }

  focus(): void { this.input.focus(); }

  /** Inserts text at the cursor (on its own lines), e.g. an editor selection; the draft is kept. */
  insert(text: string): void {
    const { value, selectionStart: a, selectionEnd: b } = this.input;
    const before = value.slice(0, a);
    const lead = before && !before.endsWith('\n') ? '\n' : '';
    this.input.value = `${before}${lead}${text}${value.slice(b)}`;
    const at = a + lead.length + text.length;
    this.input.setSelectionRange(at, at);
    this.autosize();
    this.saveDraft();
    this.input.focus();
  }

  get plan(): boolean { return this.planBtn.getAttribute('aria-pressed') === 'true'; }

  setPlan(on: boolean): void {
    this.planBtn.setAttribute('aria-pressed', String(on));
    this.planBtn.classList.toggle('on', on);
    this.el.classList.toggle('plan-mode', on);
  }

  setCommands(commands: CommandInfo[]): void {
    this.slash.setCommands(commands);
    if (this.slash.open) this.slash.update(this.input.value);
  }

  /** The active editor for the context chip (`enabled`: the swarmcode.chat.editorContext setting). */
  setEditorContext(enabled: boolean, context: EditorContext | undefined): void {
    this.chips.setEditor(enabled, context);
  }

  mentionResults(id: number, items: MentionItem[]): void {
    this.mentions.results(id, items);
  }

  private onMentionInput(): void {
    this.chips.setText(this.input.value);
    if (this.input.selectionStart !== this.input.selectionEnd) return this.mentions.close();
    this.mentions.update(this.input.value, this.input.selectionStart ?? this.input.value.length);
  }

  /** A popup choice: `@query` at the caret becomes `@token ` and the mention is tracked for sending. */
  private insertMention(c: Choice): void {
    const caret = this.input.selectionStart ?? this.input.value.length;
    const at = mentionAt(this.input.value, caret);
    if (!at) return;
    const before = this.input.value.slice(0, at.start);
    const after = this.input.value.slice(caret).replace(/^\S*/, '');
    const insert = `@${c.token}${after.startsWith(' ') ? '' : ' '}`;
    this.input.value = before + insert + after;
    const pos = before.length + insert.length;
    this.input.setSelectionRange(pos, pos);
    this.chips.track(c.token, c.ref);
    this.chips.setText(this.input.value);
    this.autosize();
    this.saveDraft();
  }

  /** A mention chip's ×: its `@token` leaves the text. */
  private removeMention(token: string): void {
    const text = withoutMention(this.input.value, token);
    this.input.value = text;
    this.chips.setText(text);
    this.autosize();
    this.saveDraft();
    this.input.focus();
  }

  private onSlashInput(): void {
    const wasOpen = this.slash.open;
    this.slash.update(this.input.value);
    if (this.input.value === '/' && !wasOpen) this.events.commandsWanted();
  }

  /** A command picked in the popup: `/name ` in the input, ready for its arguments. */
  private complete(cmd: CommandInfo): void {
    this.input.value = `/${cmd.name} `;
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    this.autosize();
    this.saveDraft();
  }

  private submit(): void {
    if (this.busy) return;
    const text = this.input.value.trim();
    if (!text && !this.images.length) return;
    const images = this.images;
    const slash = /^\/([A-Za-z0-9_.:-]+)(?:\s+([\s\S]*))?$/.exec(text);
    const local = slash && !images.length ? this.slash.find(slash[1]) : undefined;
    if (slash && local?.runsIn === 'client') this.events.command(slash[1], (slash[2] ?? '').trim());
    else this.events.send(text, images, (this.thinkingSel.value || undefined) as ThinkingMode | undefined, this.plan, this.chips.refs(text));
    this.chips.reset();
    this.mentions.close();
    this.images = [];
    this.names = [];
    this.renderThumbs();
    this.input.value = '';
    this.autosize();
    this.saveDraft();
  }

  private saveDraft(): void {
    this.events.draftChanged(this.input.value, this.thinkingSel.value as ThinkingMode | '');
  }

  private autosize(): void {
    // CSSOM property sets are allowed under the CSP (style attributes in markup are not).
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 240)}px`;
  }

  private onPaste(e: ClipboardEvent): void {
    const files: File[] = [];
    for (const item of e.clipboardData?.items ?? []) {
      if (item.kind === 'file' && item.type.startsWith('image/')) {
        const f = item.getAsFile();
        if (f) files.push(f);
      }
    }
    if (!files.length) return;
    e.preventDefault();
    void this.addFiles(files);
  }

  async addFiles(files: File[]): Promise<void> {
    for (const f of files) {
      if (!f.type.startsWith('image/')) { this.flash(`${f.name || 'file'} is not an image`); continue; }
      if (f.size > MAX_IMAGE_BYTES) { this.flash(`${f.name || 'image'} is larger than 20 MB`); continue; }
      const data = await readBase64(f);
      this.images.push({ mimeType: f.type, data });
      this.names.push(f.name || undefined);
    }
    this.renderThumbs();
  }

  private flash(msg: string): void {
    this.note.textContent = msg;
    setTimeout(() => { if (this.note.textContent === msg) this.note.textContent = ''; }, 4000);
  }

  private renderThumbs(): void {
    this.thumbs.replaceChildren(...this.images.map((img, i) => {
      const pic = h('img', { cls: 'thumb', attrs: { alt: `image ${i + 1}` } });
      pic.src = `data:${img.mimeType};base64,${img.data}`;
      const rm = h('button', { cls: 'thumb-remove', title: 'Remove image', text: '×', attrs: { type: 'button', 'aria-label': 'Remove image' } });
      rm.addEventListener('click', () => { this.images.splice(i, 1); this.names.splice(i, 1); this.renderThumbs(); });
      const comp = h('button', {
        cls: 'thumb-component', text: '→ Component', title: 'Make a component from this image (screenshot to component)',
        attrs: { type: 'button', 'aria-label': 'Make a component from this image' },
      });
      // The image goes to the screenshot-to-component flow: it leaves the composer (issue 14).
      comp.addEventListener('click', () => {
        const name = this.names[i];
        this.images.splice(i, 1);
        this.names.splice(i, 1);
        this.renderThumbs();
        this.events.toComponent(img, name);
      });
      return h('div', { cls: 'thumb-wrap' }, pic, rm, comp);
    }));
    this.thumbs.classList.toggle('hidden', this.images.length === 0);
  }
}

function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const url = String(r.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    r.onerror = () => reject(r.error ?? new Error('could not read image'));
    r.readAsDataURL(file);
  });
}
