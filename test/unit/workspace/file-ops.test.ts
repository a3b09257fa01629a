// delete_file and move_file through the real tools, edit engine and journal on a real temp folder:
// reject restores bytes and mode (and removes the moved-to copy and its new folders); refusals for
// unsaved buffers, unread text files, stale reads, existing destinations, folders and escapes.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, EditorDocuments, rejectChanges, type RunWorkspace } from '../../../server/workspace';
import { deleteFile } from '../../../server/tools/delete_file';
import { moveFile } from '../../../server/tools/move_file';
import { runTool } from '../../../server/tools/runner';
import type { ToolContext } from '../../../server/tools/types';
import { createLogger } from '../../../server/log';

describe('delete_file and move_file', function () {
  this.timeout(20_000);
  let dir: string;
  let docs: EditorDocuments;
  let run: RunWorkspace;
  let n = 0;
  before(async () => {
    process.env.SWARMCODE_JOURNAL_DIR ??= await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-journals-'));
  });
  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-fileops-')));
    await fs.writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\r\necho hi\r\n');
    await fs.chmod(path.join(dir, 'run.sh'), 0o750);
    await fs.writeFile(path.join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0xff]));
    await fs.writeFile(path.join(dir, 'keep.txt'), 'keep\n');
    await fs.mkdir(path.join(dir, 'folder'));
    docs = new EditorDocuments();
    run = (await createWorkspace(dir, docs)).forRun!(`ops-${n++}-${process.pid}`, 'file ops');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  function call(agent: string, tool: typeof deleteFile | typeof moveFile, args: object) {
    const ctx = { workspace: run.forAgent!(agent), runId: run.runId, agentId: agent, log: createLogger(() => 'error', () => undefined), approveCommand: async () => true } as unknown as ToolContext;
    return { ctx, go: () => runTool([tool], { name: tool.name, arguments: JSON.stringify(args) }, ctx, new AbortController().signal) };
  }
  const mode = async (p: string) => (await fs.stat(path.join(dir, p))).mode & 0o777;
  const exists = (p: string) => fs.stat(path.join(dir, p)).then(() => true, () => false);

  it('deletes a read text file and a binary one; reject restores bytes and mode', async () => {
    const agent = run.forAgent!('a');
    const before = await fs.readFile(path.join(dir, 'run.sh'));
    await agent.readText('run.sh');
    await agent.deleteFile!('run.sh');
    await agent.deleteFile!('logo.png');
    assert.equal(await exists('run.sh'), false);
    assert.equal(await exists('logo.png'), false);
    await run.close('done');
    await rejectChanges(dir, run.runId);
    assert.deepEqual(await fs.readFile(path.join(dir, 'run.sh')), before);
    assert.equal(await mode('run.sh'), 0o750);
    assert.deepEqual([...(await fs.readFile(path.join(dir, 'logo.png')))], [0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0xff]);
  });

  it('moves a file into new folders keeping its mode; reject puts it back and removes the copy and folders', async () => {
    const { go } = call('a', moveFile, { from: 'run.sh', to: 'bin/tools/run.sh' });
    const r = await go();
    assert.equal(r.ok, true, r.output);
    assert.match(r.output, /Moved run.sh to bin\/tools\/run.sh/);
    assert.equal(await exists('run.sh'), false);
    assert.equal(await mode('bin/tools/run.sh'), 0o750);
    assert.equal(await fs.readFile(path.join(dir, 'bin/tools/run.sh'), 'utf8'), '#!/bin/sh\r\necho hi\r\n');
    await run.close('done');
    const out = await rejectChanges(dir, run.runId);
    assert.deepEqual(out.skipped, []);
    assert.equal(await fs.readFile(path.join(dir, 'run.sh'), 'utf8'), '#!/bin/sh\r\necho hi\r\n');
    assert.equal(await mode('run.sh'), 0o750);
    assert.equal(await exists('bin'), false, 'the folders the move created are gone');
  });

  it('overwrite needs the flag and a read of the destination; reject restores both files', async () => {
    const a = run.forAgent!('a');
    await assert.rejects(a.moveFile!('run.sh', 'keep.txt'), /keep.txt already exists; nothing was moved/);
    await assert.rejects(a.moveFile!('run.sh', 'keep.txt', { overwrite: true }), /have not read it/);
    await a.readText('keep.txt');
    const r = await a.moveFile!('run.sh', 'keep.txt', { overwrite: true });
    assert.equal(r.overwrote, true);
    assert.equal(await mode('keep.txt'), 0o750);
    await run.close('done');
    await rejectChanges(dir, run.runId);
    assert.equal(await fs.readFile(path.join(dir, 'keep.txt'), 'utf8'), 'keep\n');
    assert.equal(await fs.readFile(path.join(dir, 'run.sh'), 'utf8'), '#!/bin/sh\r\necho hi\r\n');
  });

  it('refuses files open with unsaved changes, unread or stale text, folders, escapes and missing files', async () => {
    docs.change(path.join(dir, 'keep.txt'), 'keep, edited in the editor\n');
    const a = run.forAgent!('a');
    const b = run.forAgent!('b');
    await assert.rejects(a.deleteFile!('keep.txt'), /unsaved changes in the editor; SwarmCode will not delete it/);
    await assert.rejects(a.moveFile!('keep.txt', 'k2.txt'), /unsaved changes in the editor; SwarmCode will not move it/);
    await assert.rejects(a.moveFile!('run.sh', 'keep.txt', { overwrite: true }), /unsaved changes in the editor; SwarmCode will not overwrite it/);
    await assert.rejects(a.deleteFile!('run.sh'), /have not read it/);
    await a.readText('run.sh');
    await b.readText('run.sh');
    await b.editText!('run.sh', { oldString: 'echo hi', newString: 'echo bye' });
    await assert.rejects(a.deleteFile!('run.sh'), /changed by another agent \(b\) since you last read it/);
    await assert.rejects(a.moveFile!('run.sh', 'x.sh'), /changed by another agent \(b\)/);
    await assert.rejects(a.deleteFile!('folder'), /is a folder: delete_file deletes one file/);
    await assert.rejects(a.moveFile!('folder', 'f2'), /is a folder: move_file moves one file/);
    await assert.rejects(a.moveFile!('logo.png', 'folder'), /folder is a folder; give the full new path of the file \(e.g. folder\/logo.png\)/);
    await assert.rejects(a.moveFile!('logo.png', '../outside.png'), /outside|escape/i);
    await assert.rejects(a.deleteFile!('nope.txt'), /File not found: nope.txt/);
    await assert.rejects(a.moveFile!('logo.png', 'logo.png'), /same file/);
    await assert.rejects(a.moveFile!('logo.png', '.'), /"." is the workspace root, not a file/);
    await assert.rejects(a.deleteFile!(''), /"" is the workspace root, not a file/);
    // Nothing changed on disk by any refusal.
    assert.equal(await fs.readFile(path.join(dir, 'keep.txt'), 'utf8'), 'keep\n');
    assert.equal(await exists('logo.png'), true);
  });
});
