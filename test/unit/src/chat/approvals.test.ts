// The extension's side of swarm/approval (src/chat/approvals.ts): questions queue for the panel,
// a withdrawn request ($/cancelRequest, LSP 3.17) leaves the queue, a reloaded panel gets them again.
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { ApprovalParams } from '../../../../server/protocol';
import type { ToWebview } from '../../../../webview/messages';
import { ApprovalBroker } from '../../../../src/chat/approvals';

const params = (agentId: string, command: string): ApprovalParams => ({ runId: 'r1', agentId, kind: 'command', tool: 'run_command', command, cwd: '/ws' });

describe('src/chat/approvals', () => {
  let posted: ToWebview[];
  let reveals: number;
  let broker: ApprovalBroker;
  beforeEach(() => {
    posted = [];
    reveals = 0;
    broker = new ApprovalBroker((m) => posted.push(m), () => undefined, () => reveals++);
  });

  it('queues several questions, reveals the panel once, and resolves each with its own answer', async () => {
    const a = broker.request(params('worker#1', 'npm test'), new CancellationTokenSource().token);
    const b = broker.request(params('worker#2', 'make'), new CancellationTokenSource().token);
    assert.equal(reveals, 1);
    const ids = posted.map((m) => (m.type === 'approval' ? m.approval.id : ''));
    assert.equal(new Set(ids).size, 2);
    broker.answer(ids[1], false);
    broker.answer(ids[0], true, 'run');
    assert.deepEqual(await a, { approved: true, scope: 'run' });
    assert.deepEqual(await b, { approved: false });
    assert.equal(broker.size, 0);
  });

  it('a withdrawn request is refused and leaves the queue; a reload replays what is still open', async () => {
    const cts = new CancellationTokenSource();
    const a = broker.request(params('worker#1', 'sleep 9'), cts.token);
    void broker.request(params('worker#2', 'ls -R'), new CancellationTokenSource().token);
    const firstId = posted[0].type === 'approval' ? posted[0].approval.id : '';
    cts.cancel();
    assert.deepEqual(await a, { approved: false });
    assert.deepEqual(posted.at(-1), { type: 'approvalClosed', id: firstId });
    posted = [];
    broker.replay();
    assert.deepEqual(posted.map((m) => m.type === 'approval' && m.approval.params.agentId), ['worker#2']);
    broker.dropAll();
    assert.equal(broker.size, 0);
    assert.equal(posted.at(-1)?.type, 'approvalClosed');
  });
});
