// `swarm/approval` requests held for the chat panel's approval queue (webview/approvals.ts):
// several agents may ask at once, so questions queue in the panel instead of one modal each.
// A request withdrawn by the server (a stop: `$/cancelRequest`) leaves the queue at once.
import type * as vscode from 'vscode';
import type { ApprovalParams, ApprovalResult } from '../../server/protocol';
import type { ToWebview } from '../../webview/messages';

interface Waiting {
  params: ApprovalParams;
  resolve(result: ApprovalResult): void;
}

export class ApprovalBroker {
  private readonly waiting = new Map<string, Waiting>();
  private next = 0;

  constructor(
    private readonly post: (message: ToWebview) => void,
    private readonly log: (message: string) => void,
    /** Brings the panel into view when a first question arrives. */
    private readonly reveal: () => void,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Queues the question; resolves with the user's answer, or a refusal when the server withdraws it. */
  request(params: ApprovalParams, token: vscode.CancellationToken): Promise<ApprovalResult> {
    const id = `approval-${++this.next}`;
    return new Promise<ApprovalResult>((resolve) => {
      const done = (result: ApprovalResult) => {
        if (!this.waiting.delete(id)) return;
        sub.dispose();
        resolve(result);
      };
      const sub = token.onCancellationRequested(() => {
        done({ approved: false });
        this.post({ type: 'approvalClosed', id });
        this.log(`approval withdrawn (run ${params.runId}, ${params.agentId})`);
      });
      const first = this.waiting.size === 0;
      this.waiting.set(id, { params, resolve: done });
      this.post({ type: 'approval', approval: { id, params } });
      if (first) this.reveal();
      if (token.isCancellationRequested) done({ approved: false });
    });
  }

  /** The panel's answer. */
  answer(id: string, approved: boolean, scope?: 'once' | 'run'): void {
    const w = this.waiting.get(id);
    if (!w) return;
    const what = w.params.kind === 'command' ? 'command' : w.params.kind === 'write' ? `write of ${w.params.path}` : w.params.kind === 'swarm' ? `swarm of ${w.params.width} sub-agents` : w.params.tool;
    this.log(`${what} ${approved ? (scope === 'run' ? 'allowed for this run' : 'allowed') : 'refused'} (run ${w.params.runId}, ${w.params.agentId})`);
    w.resolve({ approved, ...(approved && scope === 'run' ? { scope } : {}) });
  }

  /** The server is gone: its questions can no longer be answered; each is refused and leaves the queue. */
  dropAll(): void {
    for (const [id, w] of [...this.waiting]) {
      w.resolve({ approved: false });
      this.post({ type: 'approvalClosed', id });
    }
  }

  /** A reloaded panel gets the questions still open. */
  replay(): void {
    for (const [id, w] of this.waiting) this.post({ type: 'approval', approval: { id, params: w.params } });
  }
}
