// A hostile client's attachments (RunParams.attachments) against the real server bundle: every way
// out of the workspace, files that would hang or flood a reader, and fence-breaking text. Each is
// refused with -32602 naming the mention (JSON-RPC 2.0 §5.1 "Invalid params"), before any model
// request, and the server goes on answering.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { Attachment } from '../../server/protocol';
import { script } from '../support/simulator';
import { tempDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

describe('security: hostile attachments', function () {
  this.timeout(30_000);
  const ctx = useSimServer({ workspace: 'suite' });
  // Made while the suite is defined: the cases below name paths in it.
  const outside = tempDir();

  before(async () => {
    writeFileSync(join(outside.path, 'secret.txt'), 'OUTSIDE-SECRET\n');
    mkdirSync(join(ctx.ws.path, 'sub'));
    symlinkSync(outside.path, join(ctx.ws.path, 'sub', 'out'));
    symlinkSync(join(ctx.ws.path, 'sub', 'out', 'secret.txt'), join(ctx.ws.path, 'chain.txt'));
    symlinkSync('/dev/zero', join(ctx.ws.path, 'zero'));
    execFileSync('mkfifo', [join(ctx.ws.path, 'pipe')]);
    writeFileSync(join(ctx.ws.path, 'huge.txt'), Buffer.alloc(30 * 1024 * 1024, 'a'));
    await ctx.start({ respond: script([{ text: 'ok' }]) }, { model: 'kimi-k2.5', approval: 'always', repoMapTokens: 0 });
  });
  after(() => outside.cleanup());

  const cases: [string, Attachment, RegExp][] = [
    ['.. escape', { kind: 'path', path: 'sub/../../secret.txt' }, /outside the workspace/],
    ['absolute path outside', { kind: 'path', path: join(outside.path, 'secret.txt') }, /outside the workspace/],
    ['folder symlink out', { kind: 'path', path: 'sub/out' }, /outside the workspace/],
    ['file through a folder symlink', { kind: 'path', path: 'sub/out/secret.txt' }, /outside the workspace/],
    ['symlink chain', { kind: 'path', path: 'chain.txt' }, /outside the workspace/],
    ['symlink to a device', { kind: 'path', path: 'zero' }, /outside the workspace/],
    ['a FIFO (would block a reader)', { kind: 'path', path: 'pipe' }, /not a regular file/],
    ['a 30 MB file', { kind: 'path', path: 'huge.txt' }, /30.0 MiB, over the 10.0 MiB limit/],
    ['symbol in a file outside', { kind: 'symbol', name: 'x', path: join(outside.path, 'secret.txt'), line: 1 }, /outside the workspace/],
    ['NUL in a path', { kind: 'path', path: 'a\u0000b' }, /NUL/],
  ];
  for (const [what, attachment, why] of cases) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(ctx.server.run({ task: 'x', attachments: [attachment] }), (err: ResponseError<unknown>) => {
        assert.equal(err.code, -32602, err.message);
        assert.match(err.message, why);
        assert.doesNotMatch(err.message, /OUTSIDE-SECRET/);
        return true;
      });
      assert.equal(ctx.sim.requests.length, 0);
    });
  }

  it('a wrong shape is -32602 from the schema; the server still runs a good request afterwards', async () => {
    for (const bad of [[{ kind: 'path' }], [{ kind: 'shell', command: 'id' }], [{ kind: 'text', source: 'selection', label: 'x', text: 5 }], 'nope']) {
      await assert.rejects(ctx.server.run({ task: 'x', attachments: bad as never }), /invalid params/);
    }
    writeFileSync(join(ctx.ws.path, 'ok.txt'), 'fine\n');
    const r = await ctx.server.run({ task: 'x', attachments: [{ kind: 'path', path: 'ok.txt' }] });
    assert.equal(r.status, 'done', r.error);
    assert.match(JSON.stringify(ctx.sim.requests[0].body.messages.at(-1)), /fine/);
  });
});
