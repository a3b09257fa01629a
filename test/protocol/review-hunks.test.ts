// Review by hunk through the real server: swarm/changes lists the line-diff hunks of each modified
// file (jsdiff's diffLines, the Myers line diff VS Code's own diff view also shows), and
// swarm/accept / swarm/reject decide single hunks, byte for byte: a UTF-8 BOM, CRLF line ends and
// a missing final newline survive every combination. Stale hunk ids and whole-file-only cases are
// refused with a clear error and nothing changed.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcceptRequest, ChangesRequest, RejectRequest } from '../../server/protocol';
import { script, type Turn } from '../support/simulator';
import { useSimServer } from '../support/sim-server';

const BOM = '\uFEFF';
// CRLF, a BOM and no newline at the end.
const ORIGINAL = `${BOM}${['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'].join('\r\n')}`;
const edit = (old_string: string, new_string: string): Turn => ({ toolCalls: [{ name: 'edit_file', arguments: { path: 'f.txt', old_string, new_string } }] });

describe('protocol: review by hunk', function () {
  this.timeout(30_000);
  const ctx = useSimServer();
  const file = () => readFileSync(join(ctx.ws.path, 'f.txt'));

  beforeEach(async () => {
    writeFileSync(join(ctx.ws.path, 'f.txt'), ORIGINAL);
    await ctx.start({
      respond: script([
        { toolCalls: [{ name: 'read_file', arguments: { path: 'f.txt' } }] },
        edit('beta\n', 'BETA\nbeta-and-a-half\n'),
        edit('epsilon\n', ''),
        edit('kappa', 'KAPPA'),
        { toolCalls: [{ name: 'write_file', arguments: { path: 'new.txt', content: 'new\n' } }] },
        { text: 'done' },
      ]),
    }, { approval: 'always' });
  });

  it('lists real line-diff hunks and accepts / rejects them one at a time, byte-exact with BOM and CRLF', async () => {
    const { runId, status } = await ctx.server.run({ task: 'three hunks' });
    assert.equal(status, 'done');
    const changed = `${BOM}alpha\r\nBETA\r\nbeta-and-a-half\r\ngamma\r\ndelta\r\nzeta\r\neta\r\ntheta\r\niota\r\nKAPPA`;
    assert.equal(file().toString('utf8'), changed);

    const changes = await ctx.server.connection.sendRequest(ChangesRequest, { runId });
    const f = changes.files.find((x) => x.path === 'f.txt')!;
    // A real diff: one line replaced plus one added, one removed, the last one replaced.
    assert.deepEqual({ added: f.added, removed: f.removed }, { added: 3, removed: 3 });
    assert.deepEqual(
      f.hunks!.map((h) => [h.originalStart, h.originalLines, h.currentStart, h.currentLines]),
      [
        [2, 1, 2, 2],
        [5, 1, 6, 0],
        [10, 1, 10, 1],
      ],
    );
    const [beta, eps, kappa] = f.hunks!.map((h) => h.id);
    const added = changes.files.find((x) => x.path === 'new.txt')!;
    assert.equal(added.hunks, undefined, 'an added file is decided as a whole');

    // Reject the middle hunk: epsilon comes back with its CRLF, the others stay.
    const rej = await ctx.server.connection.sendRequest(RejectRequest, { runId, hunks: [{ path: 'f.txt', ids: [eps] }] });
    assert.deepEqual(rej.partial, ['f.txt']);
    assert.equal(file().toString('utf8'), `${BOM}alpha\r\nBETA\r\nbeta-and-a-half\r\ngamma\r\ndelta\r\nepsilon\r\nzeta\r\neta\r\ntheta\r\niota\r\nKAPPA`);

    // A stale id (that hunk is gone) is refused and nothing moves.
    const before = file();
    await assert.rejects(ctx.server.connection.sendRequest(AcceptRequest, { runId, hunks: [{ path: 'f.txt', ids: [eps] }] }), /No hunk/);
    await assert.rejects(ctx.server.connection.sendRequest(RejectRequest, { runId, hunks: [{ path: 'new.txt', ids: [beta] }] }), /created by the run/);
    assert.deepEqual(file(), before);

    // Accept the first hunk: the file does not change; only the last hunk is still pending.
    const acc = await ctx.server.connection.sendRequest(AcceptRequest, { runId, hunks: [{ path: 'f.txt', ids: [beta] }] });
    assert.deepEqual(acc.partial, ['f.txt']);
    assert.deepEqual(file(), before);
    const again = (await ctx.server.connection.sendRequest(ChangesRequest, { runId })).files.find((x) => x.path === 'f.txt')!;
    assert.deepEqual(again.hunks!.map((h) => h.id), [kappa], 'the pending hunk keeps its id');

    // Rejecting the whole file now goes back to the checkpoint with the accepted hunk in it.
    await ctx.server.connection.sendRequest(RejectRequest, { runId, paths: ['f.txt'] });
    assert.equal(file().toString('utf8'), `${BOM}alpha\r\nBETA\r\nbeta-and-a-half\r\ngamma\r\ndelta\r\nepsilon\r\nzeta\r\neta\r\ntheta\r\niota\r\nkappa`);
  });

  it('settles a file when its last hunk is decided, and rejecting every hunk gives back the original bytes', async () => {
    const { runId } = await ctx.server.run({ task: 'three hunks' });
    const f = (await ctx.server.connection.sendRequest(ChangesRequest, { runId })).files.find((x) => x.path === 'f.txt')!;
    const rej = await ctx.server.connection.sendRequest(RejectRequest, { runId, hunks: [{ path: 'f.txt', ids: f.hunks!.map((h) => h.id) }] });
    assert.deepEqual(rej.restored, ['f.txt']);
    assert.equal(rej.remaining, 1, 'new.txt is still pending');
    assert.deepEqual(file(), Buffer.from(ORIGINAL, 'utf8'));
    await assert.rejects(ctx.server.connection.sendRequest(AcceptRequest, { runId, hunks: [{ path: 'f.txt', ids: ['0123456789ab'] }] }), /no pending change/);
    await assert.rejects(ctx.server.connection.sendRequest(AcceptRequest, { runId, hunks: [{ path: 'new.txt', ids: ['not-an-id'] }] }), /hunk id/);
  });
});
