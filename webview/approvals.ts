// The approval queue above the composer: every `swarm/approval` waiting for the user, from any
// agent of any run, one row each (which agent, which tool, why it is asked, the full command or
// what would be written, with hidden characters made visible). Allow / Allow for this run / Deny.
// "Allow for this run" also answers the queued questions of that run about the same command (or
// file, or tool), and any that arrive later.
import type { ApprovalParams } from '../server/protocol';
import type { PendingApproval } from './messages';
import { h } from './dom';
import { hasHidden, segments } from './visible';

export interface ApprovalAnswer {
  id: string;
  approved: boolean;
  scope?: 'once' | 'run';
}

/**
 * What "for this run" covers: the exact command where it runs and why it was asked (a grant inside
 * the sandbox is none for the same command outside it), the file (a write), or the tool.
 */
export function grantKey(p: ApprovalParams): string {
  if (p.kind === 'command') return [p.runId, 'command', p.cwd, p.command, p.reason ?? ''].join('\u0000');
  if (p.kind === 'write') return [p.runId, 'write', p.path].join('\u0000');
  if (p.kind === 'swarm') return [p.runId, 'swarm'].join('\u0000');
  return [p.runId, 'tool', p.tool].join('\u0000');
}

/** Escaped text as nodes: hidden characters in a marked span, apart from literal backslashes. */
function visibleNodes(text: string, newlines: 'mark' | 'plain'): Node[] {
  return segments(text, newlines).map((s) => (s.hidden ? h('span', { cls: 'ctl', text: s.text, title: 'hidden character' }) : document.createTextNode(s.text)));
}

export class ApprovalQueue {
  readonly el: HTMLElement;
  private readonly list = h('div', { cls: 'approval-list' });
  private readonly title = h('div', { cls: 'approval-title' });
  private readonly rows = new Map<string, { el: HTMLElement; params: ApprovalParams }>();
  private readonly grants = new Set<string>();

  constructor(private readonly answer: (a: ApprovalAnswer) => void) {
    this.el = h('section', { cls: 'approvals hidden', attrs: { 'aria-label': 'Approvals waiting', role: 'region' } }, this.title, this.list);
  }

  get size(): number {
    return this.rows.size;
  }

  add({ id, params }: PendingApproval): void {
    if (this.rows.has(id)) return;
    // Already allowed for this run (the question was on its way when the user said so).
    if (this.grants.has(grantKey(params))) return this.answer({ id, approved: true, scope: 'run' });
    const el = this.render(id, params);
    this.rows.set(id, { el, params });
    this.list.append(el);
    this.update();
  }

  /** The request was withdrawn (stop) or answered elsewhere. */
  close(id: string): void {
    const row = this.rows.get(id);
    if (!row) return;
    row.el.remove();
    this.rows.delete(id);
    this.update();
  }

  /** A run ended: its grants end with it. */
  endRun(runId: string): void {
    for (const key of [...this.grants]) if (key.startsWith(`${runId}\u0000`)) this.grants.delete(key);
  }

  private decide(id: string, approved: boolean, scope: 'once' | 'run' = 'once'): void {
    const row = this.rows.get(id);
    if (!row) return;
    this.close(id);
    this.answer({ id, approved, ...(scope === 'run' ? { scope } : {}) });
    if (!approved || scope !== 'run') return;
    const key = grantKey(row.params);
    this.grants.add(key);
    for (const [other, r] of [...this.rows]) {
      if (grantKey(r.params) !== key) continue;
      this.close(other);
      this.answer({ id: other, approved: true, scope: 'run' });
    }
  }

  private render(id: string, p: ApprovalParams): HTMLElement {
    // A write shows what would be written (the edit tool's arguments).
    const what = p.kind === 'command' ? p.command : p.kind === 'write' ? p.args || p.command : p.args;
    const allowRunTitle =
      p.kind === 'command' ? 'Run this exact command without asking again in this run'
        : p.kind === 'write' ? `Write ${p.path} without asking again in this run`
        : p.kind === 'swarm' ? 'Allow wide swarms without asking again in this run'
        : `Allow ${p.tool} without asking again in this run`;
    const allow = h('button', { cls: 'button primary approve-once', text: 'Allow', attrs: { type: 'button' } });
    const allowRun = h('button', { cls: 'button approve-run', text: 'Allow for this run', title: allowRunTitle, attrs: { type: 'button' } });
    const deny = h('button', { cls: 'button deny', text: 'Deny', attrs: { type: 'button' } });
    allow.addEventListener('click', () => this.decide(id, true));
    allowRun.addEventListener('click', () => this.decide(id, true, 'run'));
    deny.addEventListener('click', () => this.decide(id, false));
    // A command's newlines matter (each line runs); the arguments' newlines are JSON layout.
    const newlines = p.kind === 'command' ? 'mark' : 'plain';
    const warn = hasHidden(what, newlines === 'plain') ? h('div', { cls: 'approval-warning', text: 'Contains hidden or control characters (shown escaped).' }) : null;
    const kind = p.kind === 'command' ? 'wants to run'
      : p.kind === 'write' ? `wants to write ${p.path} (${p.tool})`
      : p.kind === 'swarm' ? `wants to start ${p.width} sub-agents at once (asks above ${p.limit})`
      : `wants to call ${p.tool}`;
    // The reason may quote the model (its `reason` for network or leaving the sandbox): escaped too.
    const reason = p.reason ? h('div', { cls: 'approval-reason' }, document.createTextNode('Asked because '), ...visibleNodes(p.reason, 'mark')) : null;
    return h('div', { cls: `approval approval-is-${p.kind}`, attrs: { 'data-approval-id': id, 'data-agent': p.agentId, 'data-run': p.runId, 'data-kind': p.kind } },
      h('div', { cls: 'approval-head' },
        h('span', { cls: 'approval-agent', text: p.agentId }),
        h('span', { cls: 'approval-kind' }, ...visibleNodes(kind, 'mark'))),
      reason,
      h('pre', { cls: `approval-${p.kind === 'command' ? 'command' : 'args'}` }, ...visibleNodes(what, newlines)),
      h('div', { cls: 'approval-cwd', text: `in ${p.cwd}` }),
      warn,
      h('div', { cls: 'approval-actions' }, allow, allowRun, deny));
  }

  private update(): void {
    const n = this.rows.size;
    this.el.classList.toggle('hidden', n === 0);
    this.title.textContent = n === 1 ? '1 approval waiting' : `${n} approvals waiting`;
  }
}
