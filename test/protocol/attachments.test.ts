// RunParams.attachments and swarm/mentions through the real server bundle and the model simulator:
// what the model receives in the user's turn (docs/protocol.md "Attachments"), what is refused.
// The user turn carries the task and then the context, as Cline's mentions do (`<file_content>`
// after the text) and Claude Code's `@file`; the OpenAI chat wire format has one `content` string.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { MentionsRequest, type Attachment } from '../../server/protocol';
import { script, type Simulator } from '../support/simulator';
import { tempDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

const userTurn = (sim: Simulator): string => {
  const msg = sim.requests[0].body.messages.filter((m) => m.role === 'user').at(-1)!;
  return typeof msg.content === 'string' ? msg.content : JSON.stringify(msg.content);
};

describe('protocol: attachments and swarm/mentions', function () {
  this.timeout(30_000);
  const ctx = useSimServer();
  let outside: ReturnType<typeof tempDir>;

  beforeEach(async () => {
    outside = tempDir();
    mkdirSync(join(ctx.ws.path, 'src'));
    writeFileSync(join(ctx.ws.path, 'src/util.ts'), 'export function alpha(): number {\n  return 1;\n}\n\nexport function beta(): number {\n  return 2;\n}\n');
    writeFileSync(join(ctx.ws.path, 'notes.md'), 'ZEBRA-NOTE-CONTENT\n');
    writeFileSync(join(outside.path, 'secret.txt'), 'OUTSIDE-SECRET\n');
    await ctx.start({ respond: script([{ text: 'ok' }]) }, { model: 'kimi-k2.5', approval: 'always', repoMapTokens: 0 });
  });
  afterEach(() => outside.cleanup());

  const refused = async (attachments: Attachment[], pattern: RegExp) => {
    await assert.rejects(ctx.server.run({ task: 'look', attachments }), (err: ResponseError<unknown>) => {
      assert.equal(err.code, -32602, err.message);
      assert.match(err.message, pattern);
      return true;
    });
  };

  it('a file and a folder reach the model in the user turn, after the task, fenced', async () => {
    const r = await ctx.server.run({ task: 'explain @notes.md and @src', attachments: [{ kind: 'path', path: 'notes.md' }, { kind: 'path', path: 'src' }] });
    assert.equal(r.status, 'done', r.error);
    const turn = userTurn(ctx.sim);
    assert.ok(turn.startsWith('explain @notes.md and @src\n\n'), turn);
    assert.match(turn, /@notes\.md \(file, 1 lines\)\n```markdown\nZEBRA-NOTE-CONTENT\n```/);
    assert.match(turn, /@src \(folder, 1 files\)\n```\nsrc\/util\.ts\n```/);
    // The system prompt (the shared prefix of every agent) is untouched.
    assert.doesNotMatch(JSON.stringify(ctx.sim.requests[0].body.messages[0]), /ZEBRA/);
  });

  it('a run cancelled while its attachments resolve stops before the model: no request goes out', async () => {
    // $/cancelRequest (LSP base protocol) may land while the handler still awaits the attachments;
    // the run then starts on an already-aborted signal, whose 'abort' event never fires again.
    const big = 'line of a large file to read\n'.repeat(20_000);
    writeFileSync(join(ctx.ws.path, 'big.txt'), big);
    const cts = new CancellationTokenSource();
    const pending = ctx.server.run({ task: 'x', runId: 'cancel-while-attaching', attachments: [{ kind: 'path', path: 'big.txt' }] }, cts);
    cts.cancel();
    const outcome = await pending.then((r) => r.status, (err: Error) => `rejected: ${err.message}`);
    assert.ok(outcome === 'cancelled' || outcome.startsWith('rejected'), `the run ended ${outcome}`);
    assert.equal(ctx.sim.requests.length, 0, 'no model request after the cancel');
  });

  it('the editor buffer wins over the disk for an open file with unsaved changes', async () => {
    const uri = `file://${join(ctx.ws.path, 'notes.md')}`;
    await ctx.server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: 'UNSAVED-BUFFER\n' } });
    const r = await ctx.server.run({ task: 'x', attachments: [{ kind: 'path', path: 'notes.md' }] });
    assert.equal(r.status, 'done', r.error);
    assert.match(userTurn(ctx.sim), /UNSAVED-BUFFER/);
  });

  it('refuses paths outside the workspace, symlinks out of it and missing files before any model request', async () => {
    symlinkSync(join(outside.path, 'secret.txt'), join(ctx.ws.path, 'link.txt'));
    symlinkSync(outside.path, join(ctx.ws.path, 'linkdir'));
    await refused([{ kind: 'path', path: '../secret.txt' }], /@\.\.\/secret\.txt: .*outside the workspace/);
    await refused([{ kind: 'path', path: join(outside.path, 'secret.txt') }], /outside the workspace/);
    await refused([{ kind: 'path', path: 'link.txt' }], /@link\.txt: .*outside the workspace/);
    await refused([{ kind: 'path', path: 'linkdir/secret.txt' }], /outside the workspace/);
    await refused([{ kind: 'path', path: 'missing.txt' }], /@missing\.txt: no such file or folder in the workspace/);
    writeFileSync(join(ctx.ws.path, 'blob.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02, 0x00]));
    await refused([{ kind: 'path', path: 'blob.bin' }], /@blob\.bin: .*binary/);
    await refused([{ kind: 'path', path: 'a\u0000b' }], /NUL/);
    await refused([{ kind: 'path', path: 'notes.md' }, { kind: 'path', path: '../x' }], /@\.\.\/x: /);
    await refused([{ kind: 'symbol', name: 'gamma', path: 'src/util.ts', line: 1 }], /@gamma: no such symbol in src\/util\.ts/);
    await refused(Array.from({ length: 33 }, (_, i) => ({ kind: 'path' as const, path: `f${i}` })), /33 attachments: at most 32/);
    assert.equal(ctx.sim.requests.length, 0);
  });

  it('a symbol attaches its definition up to the next one', async () => {
    const r = await ctx.server.run({ task: 'x', attachments: [{ kind: 'symbol', name: 'alpha', path: 'src/util.ts', line: 1 }] });
    assert.equal(r.status, 'done', r.error);
    const turn = userTurn(ctx.sim);
    assert.match(turn, /@alpha \(function in src\/util\.ts, lines 1-4\)\n```ts\nexport function alpha\(\): number \{\n  return 1;\n\}\n```/);
    assert.doesNotMatch(turn, /beta/);
  });

  it('@git attaches status and the uncommitted diff (git contained, read-only)', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: ctx.ws.path });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'init');
    writeFileSync(join(ctx.ws.path, 'notes.md'), 'ZEBRA-NOTE-CONTENT\nADDED-LINE\n');
    const r = await ctx.server.run({ task: 'review', attachments: [{ kind: 'git' }] });
    assert.equal(r.status, 'done', r.error);
    const turn = userTurn(ctx.sim);
    assert.match(turn, /@git \(uncommitted changes/);
    assert.match(turn, /M notes\.md/);
    assert.match(turn, /\+ADDED-LINE/);
  });

  it('client text is capped per attachment and labelled; a body cannot close its fence', async () => {
    const big = `${'```\n'}${'y'.repeat(80_000)}`;
    const r = await ctx.server.run({ task: 'x', attachments: [{ kind: 'text', source: 'terminal', label: 'npm test\n(exit 1)', text: big }] });
    assert.equal(r.status, 'done', r.error);
    const turn = userTurn(ctx.sim);
    assert.match(turn, /@terminal \(npm test \(exit 1\)\)\n````\n```\n/);
    assert.match(turn, /\[cut at 50000 of 80004 characters\]\n````$/);
  });

  it('swarm/mentions: fuzzy files, folders and symbols; .gitignore respected', async () => {
    writeFileSync(join(ctx.ws.path, '.gitignore'), 'ignored.ts\n');
    writeFileSync(join(ctx.ws.path, 'ignored.ts'), 'export const x = 1;\n');
    execFileSync('git', ['init', '-q'], { cwd: ctx.ws.path });
    const top = await ctx.server.connection.sendRequest(MentionsRequest, { query: '' });
    assert.deepEqual(top.map((m) => `${m.kind}:${m.path}`).sort(), ['file:.gitignore', 'file:notes.md', 'folder:src'].sort());
    const util = await ctx.server.connection.sendRequest(MentionsRequest, { query: 'utl' });
    assert.equal(util[0].path, 'src/util.ts');
    assert.equal(util[0].kind, 'file');
    const sym = await ctx.server.connection.sendRequest(MentionsRequest, { query: 'beta' });
    assert.ok(sym.some((m) => m.kind === 'symbol' && m.label === 'beta' && m.path === 'src/util.ts' && m.line === 5), JSON.stringify(sym));
    const ign = await ctx.server.connection.sendRequest(MentionsRequest, { query: 'ignored' });
    assert.ok(!ign.some((m) => m.path === 'ignored.ts'), JSON.stringify(ign));
    await assert.rejects(ctx.server.connection.sendRequest(MentionsRequest, { query: 5 } as never), /invalid params/);
  });
});
