// One card per tool call: name, a one-line summary, pretty arguments, and the result when it arrives.
import { h, icon } from './dom';

const LONG_LINES = 12;
const LONG_CHARS = 1200;

function isLong(text: string): boolean {
  return text.length > LONG_CHARS || text.split('\n').length > LONG_LINES;
}

function pretty(args: unknown): string {
  if (typeof args === 'string') {
    try { return JSON.stringify(JSON.parse(args), null, 2); } catch { return args; }
  }
  try { return JSON.stringify(args, null, 2) ?? String(args); } catch { return String(args); }
}

/** The argument that best says what a call does (a path, a command, a pattern). */
export function summarizeArgs(args: unknown): string {
  let obj = args;
  if (typeof args === 'string') { try { obj = JSON.parse(args); } catch { return args.slice(0, 80); } }
  if (!obj || typeof obj !== 'object') return '';
  const a = obj as Record<string, unknown>;
  for (const k of ['command', 'pattern', 'path', 'glob', 'agent', 'name', 'query', 'prompt_template']) {
    if (typeof a[k] === 'string' && a[k]) return (a[k] as string).split('\n')[0].slice(0, 120);
  }
  return '';
}

/** A block of text that folds away behind a summary when long. */
function section(label: string, text: string, cls: string): HTMLElement {
  const pre = h('pre', { cls: `tool-pre ${cls}`, text });
  if (!isLong(text)) return h('div', { cls: 'tool-section' }, h('div', { cls: 'tool-label', text: label }), pre);
  const lines = text.split('\n').length;
  const details = h('details', { cls: 'tool-section tool-fold' },
    h('summary', { cls: 'tool-label', text: `${label} (${lines} lines, ${text.length} chars)` }), pre);
  return details;
}

export class ToolCard {
  readonly el: HTMLElement;
  private readonly status: HTMLElement;
  private readonly body: HTMLElement;
  private readonly details: HTMLDetailsElement;
  state: 'running' | 'ok' | 'error' | 'cancelled' = 'running';

  constructor(readonly callId: string, readonly name: string, args: unknown) {
    this.status = h('span', { cls: 'tool-status', text: 'running' });
    const summary = summarizeArgs(args);
    const header = h('summary', { cls: 'tool-header' },
      icon('tool'),
      h('span', { cls: 'tool-name', text: name }),
      summary ? h('span', { cls: 'tool-summary', text: summary, title: summary }) : null,
      this.status);
    this.body = h('div', { cls: 'tool-body' }, section('Arguments', pretty(args), 'tool-args'));
    const details = h('details', { cls: 'tool-details' }, header, this.body);
    this.details = details;
    this.el = h('div', { cls: 'tool-card running', attrs: { 'data-call-id': callId, 'data-tool': name } }, details);
  }

  complete(ok: boolean, output: string): void {
    this.state = ok ? 'ok' : 'error';
    this.el.classList.remove('running', 'cancelled');
    this.el.classList.add(this.state);
    this.status.textContent = ok ? 'ok' : 'error';
    this.body.append(section(ok ? 'Result' : 'Error', output || '(no output)', ok ? 'tool-result' : 'tool-error'));
    // Cards stay one line unless something went wrong.
    if (!ok) this.details.open = true;
  }

  /** A replayed run turned out to be still live: the call may yet answer. */
  reopen(): void {
    if (this.state !== 'cancelled') return;
    this.state = 'running';
    this.el.classList.remove('cancelled');
    this.el.classList.add('running');
    this.status.textContent = 'running';
  }

  /** The run ended before this call answered. */
  abandon(): void {
    if (this.state !== 'running') return;
    this.state = 'cancelled';
    this.el.classList.remove('running');
    this.el.classList.add('cancelled');
    this.status.textContent = 'no result';
  }
}
