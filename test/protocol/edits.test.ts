// Edit safety end to end: the spawned server, the HTTP model simulator, real files and journals.
// Review (swarm/changes, accept, reject), crash restore after SIGKILL, and edits to unsaved buffers
// through workspace/applyEdit (and the clear refusal when the client cannot apply edits).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcceptRequest, ChangesRequest, CheckpointsRequest, RejectRequest, RunRequest } from '../../server/protocol';
import { script } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';
import { startEditorClient, type EditorClient } from './edits-client';

describe('protocol: edit review, checkpoints and crash restore', function () {
  this.timeout(40_000);
  let editor: EditorClient | undefined;
  // Before the fixture's hook: the editor's server goes before the simulator it talks to.
  afterEach(async () => {
    await editor?.close();
    editor = undefined;
  });
  const ctx = useSimServer({ settings: { model: 'kimi-k2.5', approval: 'always', swarm: false } });
  usePrivateJournalDir();
  beforeEach(() => {
    writeFileSync(join(ctx.ws.path, 'a.txt'), 'alpha\r\nbeta\r\n');
    writeFileSync(join(ctx.ws.path, 'keep.txt'), 'keep\n');
  });

  it('lists a run\'s changes with checkpoint text, then accepts one file and rejects the other', async () => {
    await ctx.startSim({
      respond: script([
        { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'a.txt', old_string: 'alpha\nbeta', new_string: 'alpha\ngamma' } }, { name: 'write_file', arguments: { path: 'new/b.txt', content: 'bee\n' } }] },
        { text: 'done' },
      ]),
    });
    const s = await ctx.startServer();
    const result = await s.run({ runId: 'rev-1', task: 'edit' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\r\ngamma\r\n', 'CRLF kept');

    const list = await s.connection.sendRequest(CheckpointsRequest, {});
    assert.deepEqual(list.checkpoints.map((c) => [c.runId, c.state, c.files, c.status]), [['rev-1', 'finished', 2, 'done']]);
    const changes = await s.connection.sendRequest(ChangesRequest, { runId: 'rev-1' });
    assert.deepEqual(changes.files.map((f) => [f.path, f.change]), [['a.txt', 'modified'], ['new/b.txt', 'added']]);
    assert.equal(changes.files[0].original, 'alpha\r\nbeta\r\n');
    assert.equal(changes.files[0].current, 'alpha\r\ngamma\r\n');

    const acc = await s.connection.sendRequest(AcceptRequest, { runId: 'rev-1', paths: ['a.txt'] });
    assert.deepEqual(acc, { runId: 'rev-1', accepted: ['a.txt'], remaining: 1 });
    const rej = await s.connection.sendRequest(RejectRequest, { runId: 'rev-1' });
    assert.deepEqual(rej.removed, ['new/b.txt']);
    assert.equal(rej.remaining, 0);
    assert.ok(!existsSync(join(ctx.ws.path, 'new')), 'the folder the run created is gone too');
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\r\ngamma\r\n', 'the accepted file stays');
    assert.deepEqual((await s.connection.sendRequest(CheckpointsRequest, {})).checkpoints, []);
    await assert.rejects(s.connection.sendRequest(ChangesRequest, { runId: 'rev-1' }), /No checkpoint/);
  });

  it('restores the tree after the server is killed with SIGKILL mid-run and restarted', async () => {
    const sim = await ctx.startSim({
      respond: script([
        { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'a.txt', old_string: 'beta', new_string: 'BETA' } }, { name: 'write_file', arguments: { path: 'made/by/run.txt', content: 'x\n' } }] },
        { text: 'never finishes', latency: { ttftMs: 120_000 } },
      ]),
    });
    const before = readFileSync(join(ctx.ws.path, 'a.txt'));
    const s1 = await ctx.startServer();
    void s1.connection.sendRequest(RunRequest, { runId: 'crash-1', task: 'edit then hang' }).catch(() => undefined);
    await sim.waitForRequests(3, 15_000); // both writes are done before the third model request
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\r\nBETA\r\n');
    assert.ok(existsSync(join(ctx.ws.path, 'made/by/run.txt')));
    s1.child.kill('SIGKILL');
    await s1.exited;

    const s2 = await ctx.startServer();
    const list = await s2.connection.sendRequest(CheckpointsRequest, {});
    const offer = list.checkpoints.find((c) => c.runId === 'crash-1');
    assert.ok(offer, JSON.stringify(list));
    assert.equal(offer.state, 'interrupted');
    assert.equal(offer.files, 2);
    const rej = await s2.connection.sendRequest(RejectRequest, { runId: 'crash-1' });
    assert.deepEqual([rej.restored, rej.removed], [['a.txt'], ['made/by/run.txt']]);
    assert.deepEqual(readFileSync(join(ctx.ws.path, 'a.txt')), before, 'byte for byte');
    assert.ok(!existsSync(join(ctx.ws.path, 'made')));
    assert.equal(readFileSync(join(ctx.ws.path, 'keep.txt'), 'utf8'), 'keep\n');
  });

  it('edits a document with unsaved changes through workspace/applyEdit (annotated for preview), and rejects it back', async () => {
    const sim = await ctx.startSim({
      respond: script([
        { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'a.txt', old_string: 'unsaved', new_string: 'edited by agent' } }] },
        { text: 'ok' },
      ]),
    });
    editor = await startEditorClient(ctx.ws.path, { baseUrl: sim.url, model: 'kimi-k2.5', approval: 'always', swarm: false, editPreview: true }, () => true);
    const abs = join(ctx.ws.path, 'a.txt');
    editor.open(abs, 'alpha\r\nbeta\r\n');
    editor.type('alpha\r\nbeta unsaved\r\n');
    await new Promise((r) => setTimeout(r, 100));
    const result = await editor.connection.sendRequest(RunRequest, { runId: 'buf-1', task: 'edit the open file' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(editor.applyCalls.length, 1);
    const call = editor.applyCalls[0];
    const dc = call.edit.documentChanges![0];
    assert.equal(dc.textDocument.version, 2, 'versioned against the buffer the server saw');
    assert.equal(dc.edits[0].newText, 'edited by agent');
    assert.equal(call.edit.changeAnnotations![dc.edits[0].annotationId!].needsConfirmation, true);
    assert.equal(editor.text(), 'alpha\r\nbeta edited by agent\r\n');
    assert.equal(readFileSync(abs, 'utf8'), 'alpha\r\nbeta\r\n', 'the file on disk is left to the editor');

    const changes = await editor.connection.sendRequest(ChangesRequest, { runId: 'buf-1' });
    assert.deepEqual(changes.files.map((f) => [f.path, f.change, f.viaEditor]), [['a.txt', 'modified', true]]);
    const rej = await editor.connection.sendRequest(RejectRequest, { runId: 'buf-1' });
    assert.deepEqual(rej.restored, ['a.txt']);
    assert.equal(editor.text(), 'alpha\r\nbeta unsaved\r\n', 'the buffer is back to what the user had');
  });

  it('refuses to edit an unsaved buffer when the client cannot apply edits, saying what to do', async () => {
    await ctx.startSim({
      respond: script([
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'a.txt', old_string: 'beta', new_string: 'x' } }] },
        { text: 'ok' },
      ]),
    });
    const s = await ctx.startServer();
    const uri = `file://${join(ctx.ws.path, 'a.txt')}`;
    s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text: 'alpha\r\nbeta\r\n' } });
    s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'alpha\r\nbeta!\r\n' }] });
    await new Promise((r) => setTimeout(r, 100));
    const result = await s.run({ task: 'edit' });
    const out = s.events.get(result.runId)!.find((e) => e.type === 'tool_output');
    assert.ok(out && out.type === 'tool_output' && !out.ok);
    assert.match(out.output, /a.txt has unsaved changes in the editor and this client cannot apply edits.*save or revert/);
    assert.equal(readFileSync(join(ctx.ws.path, 'a.txt'), 'utf8'), 'alpha\r\nbeta\r\n');
  });
});
