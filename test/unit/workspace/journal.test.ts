// Checkpoint journal on real temp folders: byte-exact rollback (CRLF, BOM, UTF-16, modes, created and
// deleted files, created folders), partial accept/reject, nothing else touched, reload from disk.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, EditorDocuments, acceptChanges, rejectChanges, runChanges, listCheckpoints, type Workspace } from '../../../server/workspace';
import { RunJournal } from '../../../server/workspace/journal';
import { journalStoreFor } from '../../../server/workspace/journal-store';

async function snapshot(dir: string): Promise<Map<string, { bytes: string; mode: number }>> {
  const out = new Map<string, { bytes: string; mode: number }>();
  async function walk(d: string) {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out.set(path.relative(dir, p) + '/', { bytes: '', mode: (await fs.stat(p)).mode & 0o777 });
        await walk(p);
      } else out.set(path.relative(dir, p), { bytes: (await fs.readFile(p)).toString('base64'), mode: (await fs.stat(p)).mode & 0o777 });
    }
  }
  await walk(dir);
  return out;
}

describe('checkpoint journal', () => {
  let dir: string;
  let base: Workspace;
  before(async () => {
    process.env.SWARMCODE_JOURNAL_DIR ??= await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-journals-'));
  });
  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-journal-')));
    await fs.writeFile(path.join(dir, 'crlf.txt'), 'one\r\ntwo\r\nthree\r\n');
    await fs.writeFile(path.join(dir, 'bom.ts'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('export const x = 1;\n')]));
    await fs.writeFile(path.join(dir, 'wide.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo\r\nwörld\r\n', 'utf16le')]));
    await fs.writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    await fs.chmod(path.join(dir, 'run.sh'), 0o755);
    await fs.writeFile(path.join(dir, 'doomed.txt'), 'to be deleted by a command\n');
    await fs.writeFile(path.join(dir, 'untouched.txt'), 'the run never writes me\n');
    await fs.mkdir(path.join(dir, 'src'));
    base = await createWorkspace(dir, new EditorDocuments());
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('keeps CRLF, BOM and UTF-16 through edits made with \\n', async () => {
    const run = base.forRun!('fmt', 'formats');
    const ws = run.forAgent!('a');
    await ws.editText!('crlf.txt', { oldString: 'two\nthree', newString: 'TWO\nand a half\nthree' });
    await ws.editText!('bom.ts', { oldString: 'x = 1', newString: 'x = 2' });
    await ws.editText!('wide.txt', { oldString: 'wörld\n', newString: 'wörld\nagain\n' });
    await ws.readText('run.sh');
    await ws.writeText('run.sh', '#!/bin/sh\necho bye\n');
    assert.equal(await fs.readFile(path.join(dir, 'crlf.txt'), 'utf8'), 'one\r\nTWO\r\nand a half\r\nthree\r\n');
    assert.deepEqual(await fs.readFile(path.join(dir, 'bom.ts')), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('export const x = 2;\n')]));
    assert.deepEqual(await fs.readFile(path.join(dir, 'wide.txt')), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo\r\nwörld\r\nagain\r\n', 'utf16le')]));
    assert.equal((await fs.stat(path.join(dir, 'run.sh'))).mode & 0o777, 0o755);
    await run.close('done');
  });

  it('rolls back byte for byte: edited, created (with folders), and later-deleted files; nothing else', async () => {
    const before = await snapshot(dir);
    const run = base.forRun!('r1', 'change things');
    const a = run.forAgent!('a');
    const b = run.forAgent!('b');
    await a.editText!('crlf.txt', { oldString: 'one\n', newString: 'uno\n' });
    await b.editText!('bom.ts', { oldString: '1', newString: '42' });
    await a.editText!('wide.txt', { oldString: 'héllo', newString: 'hallo' });
    await b.readText('run.sh');
    await b.writeText('run.sh', 'echo replaced\n');
    await a.writeText('src/new/deep/created.ts', 'export {};\n');
    await a.editText!('doomed.txt', { oldString: 'deleted', newString: 'edited' });
    await fs.rm(path.join(dir, 'doomed.txt')); // as a run_command `rm` would
    // Someone else (not the run) changes a file the run never wrote: rollback must leave it.
    await fs.writeFile(path.join(dir, 'untouched.txt'), 'the user changed me meanwhile\n');
    await run.close('done');

    const changes = await runChanges(dir, base.documents, 'r1');
    const byPath = Object.fromEntries(changes.files.map((f) => [f.path, f]));
    assert.equal(changes.state, 'finished');
    assert.equal(byPath['crlf.txt'].change, 'modified');
    assert.equal(byPath['crlf.txt'].original, 'one\r\ntwo\r\nthree\r\n');
    assert.equal(byPath['src/new/deep/created.ts'].change, 'added');
    assert.equal(byPath['src/new/deep/created.ts'].original, undefined);
    assert.equal(byPath['doomed.txt'].change, 'deleted');
    assert.equal(byPath['wide.txt'].current, 'hallo\r\nwörld\r\n');
    assert.ok(!('untouched.txt' in byPath));

    const res = await rejectChanges(dir, 'r1');
    assert.deepEqual(res.removed, ['src/new/deep/created.ts']);
    assert.equal(res.restored.length, 5);
    assert.equal(res.remaining, 0);
    const after = await snapshot(dir);
    before.set('untouched.txt', { bytes: Buffer.from('the user changed me meanwhile\n').toString('base64'), mode: after.get('untouched.txt')!.mode });
    assert.deepEqual(after, before);
    assert.deepEqual((await listCheckpoints(dir)).checkpoints.filter((c) => c.runId === 'r1'), [], 'the journal is gone once decided');
  });

  it('accepts and rejects per file', async () => {
    const run = base.forRun!('r2', 'two files');
    const ws = run.forAgent!('a');
    await ws.editText!('crlf.txt', { oldString: 'one', newString: 'ONE' });
    await ws.editText!('bom.ts', { oldString: '1', newString: '2' });
    await run.close('done');
    const acc = await acceptChanges(dir, 'r2', ['crlf.txt']);
    assert.deepEqual(acc, { runId: 'r2', accepted: ['crlf.txt'], remaining: 1 });
    const rej = await rejectChanges(dir, 'r2', ['bom.ts']);
    assert.deepEqual(rej.restored, ['bom.ts']);
    assert.equal(await fs.readFile(path.join(dir, 'crlf.txt'), 'utf8'), 'ONE\r\ntwo\r\nthree\r\n');
    assert.equal((await fs.readFile(path.join(dir, 'bom.ts'))).subarray(3).toString(), 'export const x = 1;\n');
    await assert.rejects(runChanges(dir, base.documents, 'r2'), /No checkpoint/);
  });

  it('deletes a file only after reading it, journaled: review shows it deleted and reject brings back its bytes and mode', async () => {
    const run = base.forRun!('r-del', 'delete');
    const ws = run.forAgent!('a');
    await assert.rejects(ws.deleteFile!('run.sh'), /read/i, 'an unread file is not deleted');
    assert.ok(await fs.stat(path.join(dir, 'run.sh')));
    await ws.readText('run.sh');
    await ws.deleteFile!('run.sh');
    await assert.rejects(fs.stat(path.join(dir, 'run.sh')));
    await assert.rejects(ws.deleteFile!('missing.txt'), /not found|does not exist|No such/i);
    await run.close('done');
    const changes = await runChanges(dir, base.documents, 'r-del');
    assert.deepEqual(changes.files.map((f) => [f.path, f.change]), [['run.sh', 'deleted']]);
    await rejectChanges(dir, 'r-del');
    assert.equal(await fs.readFile(path.join(dir, 'run.sh'), 'utf8'), '#!/bin/sh\necho hi\n');
    assert.equal((await fs.stat(path.join(dir, 'run.sh'))).mode & 0o777, 0o755);
  });

  it('refuses accept/reject while the run is active', async () => {
    const run = base.forRun!('r3', 'live');
    await run.forAgent!('a').editText!('crlf.txt', { oldString: 'one', newString: '1' });
    await assert.rejects(rejectChanges(dir, 'r3'), /still running/);
    await run.close('cancelled');
    await rejectChanges(dir, 'r3');
    assert.equal(await fs.readFile(path.join(dir, 'crlf.txt'), 'utf8'), 'one\r\ntwo\r\nthree\r\n');
  });

  it('writes the entry (fsynced) before the file, and a reloaded journal restores it', async () => {
    const run = base.forRun!('r4', 'crash');
    await run.forAgent!('a').writeText('fresh.txt', 'new\n');
    await run.forAgent!('b').editText!('crlf.txt', { oldString: 'two', newString: '2' });
    // Do not close the run: as if the server died here. Load the journal as a new process would.
    const store = journalStoreFor(dir);
    const j = await RunJournal.load(path.join(store.dir, 'r4'));
    assert.ok(j);
    assert.equal(j.manifest.state, 'active');
    assert.deepEqual(j.list().map((e) => [e.path, e.existed]), [['fresh.txt', false], ['crlf.txt', true]]);
    assert.equal(store.stateOf(j), 'interrupted');
    await j.rollback(undefined, (_abs, fn) => fn());
    await assert.rejects(fs.stat(path.join(dir, 'fresh.txt')));
    assert.equal(await fs.readFile(path.join(dir, 'crlf.txt'), 'utf8'), 'one\r\ntwo\r\nthree\r\n');
  });

  it('refuses binary, non-UTF-8 and unread overwrites, and stale edits, with guidance', async () => {
    await fs.writeFile(path.join(dir, 'img.bin'), Buffer.from([1, 0, 2, 3]));
    // Not UTF-8 and no encoding fits it confidently ("café" in Latin-1 is now detected and editable).
    await fs.writeFile(path.join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff, 0xfe, 0xe9, 0x0a]));
    const run = base.forRun!('r5', 'refusals');
    const a = run.forAgent!('a');
    const b = run.forAgent!('b');
    await assert.rejects(a.editText!('img.bin', { oldString: 'a', newString: 'b' }), /binary/);
    await assert.rejects(a.writeText('img.bin', 'text'), /binary/);
    assert.match(await a.readText('latin1.txt'), /^caf/);
    await assert.rejects(a.editText!('latin1.txt', { oldString: 'caf', newString: 'cafe' }), /not valid UTF-8, and its encoding could not be determined/);
    await assert.rejects(a.writeText('crlf.txt', 'x'), /have not read it.*read_file first/);
    await a.readText('crlf.txt');
    await b.readText('crlf.txt');
    await b.editText!('crlf.txt', { oldString: 'one', newString: 'uno' });
    // b changed the line a's old_string matched: refused (a disjoint line would be rebased).
    await assert.rejects(a.editText!('crlf.txt', { oldString: 'one', newString: 'eins' }), /changed by another agent \(b\) since you last read it.*Re-read/);
    await a.readText('crlf.txt');
    await a.editText!('crlf.txt', { oldString: 'two', newString: 'dos' });
    assert.equal(await fs.readFile(path.join(dir, 'crlf.txt'), 'utf8'), 'uno\r\ndos\r\nthree\r\n');
    await run.close('done');
    await rejectChanges(dir, 'r5');
  });
});
