// The scrolling conversation: user turns, assistant runs (live or replayed), and panel-level errors.
import type { ImageInput, RunResult, SwarmEvent } from '../server/protocol';
import type { Conversation } from './messages';
import { h, icon } from './dom';
import { RunView } from './runview';
import { post } from './vscode';

export class Transcript {
  readonly el = h('div', { cls: 'transcript', attrs: { role: 'log', 'aria-live': 'polite' } });
  private readonly empty = h('div', { cls: 'empty' },
    h('div', { cls: 'empty-title', text: 'SwarmCode' }),
    h('div', { cls: 'empty-hint', text: 'Ask for a change, paste a screenshot, or describe a task for the swarm.' }));
  private readonly runs = new Map<string, RunView>();
  /** The image behind each "→ Component" button of a sent message. */
  private readonly imageOf = new WeakMap<Element, ImageInput>();
  private current?: RunView;
  private stick = true;
  /** Messages of the conversation so far (user turns and ended runs): the next one's index for Rewind. */
  private count = 0;
  private scrollPending = false;
  private lastTop = 0;

  constructor(private readonly onScroll: (top: number) => void) {
    this.el.append(this.empty);
    this.el.addEventListener('scroll', () => {
      // Content growing never unsticks; only the user scrolling up does, and reaching the end re-sticks.
      const top = this.el.scrollTop;
      if (this.atEnd()) this.stick = true;
      else if (top < this.lastTop - 2) this.stick = false;
      this.lastTop = top;
      this.onScroll(top);
    });
    this.el.addEventListener('click', (e) => this.onClick(e));
  }

  get activeRun(): RunView | undefined { return this.current?.active ? this.current : undefined; }

  clear(): void {
    this.count = 0;
    this.runs.clear();
    this.current = undefined;
    this.el.replaceChildren(this.empty);
    this.stick = true;
  }

  /** While a run goes (or is being started) the Rewind buttons are hidden. */
  setBusy(busy: boolean): void {
    this.el.classList.toggle('busy', busy);
  }

  /** Marks a turn as conversation message `index` with its Rewind button. */
  private indexTurn(el: HTMLElement, index: number, role: 'user' | 'assistant'): void {
    if (el.dataset.index) return;
    el.dataset.index = String(index);
    this.count = Math.max(this.count, index + 1);
    const title = role === 'user' ? 'Rewind to before this message: it and everything after it go, the files their runs changed are put back' : 'Rewind to here: everything after this answer goes, the files the later runs changed are put back';
    el.querySelector('.turn-role')?.append(h('button', { cls: 'rewind', text: '↶ Rewind', title, attrs: { type: 'button', 'aria-label': role === 'user' ? 'Rewind to before this message' : 'Rewind to this answer' } }));
  }

  addUser(text: string, images: ImageInput[] = [], index = this.count): void {
    this.empty.remove();
    const body = h('div', { cls: 'user-text', text });
    const thumbs = images.length
      ? h('div', { cls: 'user-images' }, ...images.map((img) => {
          const el = h('img', { cls: 'thumb', attrs: { alt: 'attached image' } });
          el.src = `data:${img.mimeType};base64,${img.data}`;
          const comp = h('button', {
            cls: 'thumb-component', text: '→ Component', title: 'Make a component from this image (screenshot to component)',
            attrs: { type: 'button', 'aria-label': 'Make a component from this image' },
          });
          this.imageOf.set(comp, img);
          return h('div', { cls: 'thumb-wrap' }, el, comp);
        }))
      : null;
    const turn = h('div', { cls: 'turn user' }, h('div', { cls: 'turn-role' }, icon('user'), h('span', { text: 'You' })), body, thumbs);
    this.el.append(turn);
    this.indexTurn(turn, index, 'user');
    this.changed(true);
  }

  startRun(runId: string): RunView {
    this.empty.remove();
    if (this.current?.active && this.current.runId !== runId) this.current.close();
    let run = this.runs.get(runId);
    if (run) run.reopen();
    else {
      run = new RunView(runId, false, () => this.changed());
      this.runs.set(runId, run);
      this.el.append(run.el);
    }
    this.current = run;
    this.changed(true);
    return run;
  }

  event(runId: string, ev: SwarmEvent): void {
    const run = this.runs.get(runId) ?? this.startRun(runId);
    run.handle(ev);
  }

  /** Set by the panel: "Act on this plan" was clicked under a plan-mode answer. */
  onActOnPlan: (plan: string) => void = () => undefined;

  endRun(result: RunResult): void {
    const run = this.runs.get(result.runId) ?? this.current;
    run?.end(result);
    // The extension stores the run's answer as the conversation's next message.
    if (run) this.indexTurn(run.el, this.count, 'assistant');
    if (run && result.plan && result.status === 'done' && result.text.trim()) {
      const act = h('button', { cls: 'button primary act-on-plan', text: 'Act on this plan', title: 'Start a normal run that carries out this plan', attrs: { type: 'button' } });
      act.addEventListener('click', () => this.onActOnPlan(result.text));
      run.el.append(h('div', { cls: 'plan-actions' }, act));
      this.changed(true);
    }
  }

  /** A short confirmation from the extension (after /compact, /thinking, …). */
  notice(message: string): void {
    this.empty.remove();
    this.el.append(h('div', { cls: 'panel-notice', attrs: { role: 'status' } }, h('span', { text: message })));
    this.changed(true);
  }

  /** An error from the extension that belongs to no run event. */
  error(message: string): void {
    this.empty.remove();
    if (this.current?.active) this.current.root.showError(message);
    else this.el.append(h('div', { cls: 'error-block panel-error', attrs: { role: 'alert' } }, icon('error'), h('span', { text: message })));
    this.changed(true);
  }

  /** Renders a stored conversation: each user message, then its run's events (or stored text). */
  load(conv: Conversation): void {
    this.clear();
    let runIdx = 0;
    const msgs = conv.messages;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      if (m.role === 'user') {
        this.addUser(m.text, m.images ?? [], i);
        const stored = conv.runs[runIdx++];
        const next = msgs[i + 1];
        const run = new RunView(stored?.runId ?? `stored-${i}`, true, () => {});
        if (stored) for (const ev of stored.events) run.handle(ev);
        const answered = next?.role === 'assistant';
        if (answered) {
          if (!run.root.hasText() && next.text) run.root.setText(next.text);
          i++;
        }
        run.close();
        this.empty.remove();
        this.el.append(run.el);
        if (answered) this.indexTurn(run.el, i, 'assistant');
        this.runs.set(run.runId, run);
      } else {
        const run = new RunView(`stored-${i}`, true, () => {});
        run.root.setText(m.text);
        run.close();
        this.empty.remove();
        this.el.append(run.el);
        this.indexTurn(run.el, i, 'assistant');
      }
    }
    this.changed(true);
  }

  restoreScroll(top: number): void {
    requestAnimationFrame(() => {
      this.el.scrollTop = top;
      this.lastTop = this.el.scrollTop;
      this.stick = this.atEnd();
    });
  }

  private changed(force = false): void {
    if (force) this.stick = true;
    if (!this.stick || this.scrollPending) return;
    this.scrollPending = true;
    requestAnimationFrame(() => {
      this.scrollPending = false;
      if (this.stick) { this.el.scrollTop = this.el.scrollHeight; this.lastTop = this.el.scrollTop; }
    });
  }

  private atEnd(): boolean {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < 40;
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as Element | null;
    const action = target?.closest<HTMLButtonElement>('.code-actions button');
    const pre = action?.closest<HTMLElement>('pre');
    if (action && pre) {
      // Copy, insert and apply go through the extension (the clipboard, the editor, the refactor preview).
      const code = pre.querySelector('code')?.textContent ?? '';
      const kind = action.classList.contains('code-insert') ? 'insert' : action.classList.contains('code-apply') ? 'apply' : 'copy';
      post({ type: 'codeBlock', action: kind, code, ...(pre.dataset.lang ? { language: pre.dataset.lang } : {}), ...(pre.dataset.path ? { path: pre.dataset.path } : {}) });
      if (kind === 'copy') action.textContent = 'Copied';
      return;
    }
    const rewind = target?.closest('button.rewind');
    const turn = rewind?.closest<HTMLElement>('[data-index]');
    if (turn?.dataset.index) {
      if (!this.el.classList.contains('busy')) post({ type: 'rewind', index: Number(turn.dataset.index), role: turn.classList.contains('user') ? 'user' : 'assistant' });
      return;
    }
    const comp = target?.closest('button.thumb-component');
    const image = comp && this.imageOf.get(comp);
    if (image) {
      post({ type: 'imageToComponent', image });
      return;
    }
    const a = target?.closest('a');
    if (!a) return;
    e.preventDefault();
    // VS Code's webview host listens for clicks on the window and opens every <a href> itself
    // (ignoring preventDefault): a relative link would resolve against the webview's own URL and
    // be opened as a web page besides our openFile. This panel handles all of its links.
    e.stopPropagation();
    const href = a.getAttribute('href');
    if (!href || href.startsWith('#')) return;
    if (/^(https?|mailto):/i.test(href)) {
      post({ type: 'openLink', url: href });
    } else {
      // A workspace-relative path, optionally with #L12 or :12.
      const m = /^(.*?)(?:#L(\d+)|:(\d+))?$/.exec(decodeURIComponent(href));
      const line = m?.[2] ?? m?.[3];
      post({ type: 'openFile', path: m?.[1] ?? href, ...(line ? { line: Number(line) } : {}) });
    }
  }
}
