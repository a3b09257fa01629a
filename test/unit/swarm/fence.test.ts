// Issue 12: a refactor shard's fix agent writes only its shard's files. The fence refuses writes,
// edits, deletes and moves of any other file (a ToolError the agent reads), `..` and absolute
// paths included, and leaves reads alone.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, EditorDocuments } from '../../../server/workspace';
import { fenced } from '../../../server/swarm/fence';
import { tempDir } from '../../support/server';

describe('swarm/fence', () => {
  let ws: ReturnType<typeof tempDir>;
  beforeEach(() => {
    ws = tempDir();
    mkdirSync(join(ws.path, 'src'));
    writeFileSync(join(ws.path, 'src/mine.js'), 'mine\n');
    writeFileSync(join(ws.path, 'src/other.js'), 'other\n');
  });
  afterEach(() => ws.cleanup());

  it('writes its files, refuses every other one, reads all', async () => {
    const base = (await createWorkspace(ws.path, new EditorDocuments())).forAgent!('fix');
    const f = fenced(base, ['src/mine.js']);
    assert.equal(await f.readText('src/other.js'), 'other\n');
    await f.readText('src/mine.js');
    await f.editText!('src/mine.js', { oldString: 'mine', newString: 'fixed', replaceAll: false });
    assert.equal(readFileSync(join(ws.path, 'src/mine.js'), 'utf8'), 'fixed\n');
    const refused = /Refused to write src\/other.js: this task may change only its own files \(src\/mine.js\)/;
    await assert.rejects(f.writeText('src/other.js', 'x'), refused);
    await assert.rejects(f.writeText(join(ws.path, 'src/other.js'), 'x'), refused);
    await assert.rejects(f.writeText('src/../src/other.js', 'x'), refused);
    await assert.rejects(f.deleteFile!('src/other.js'), refused);
    await assert.rejects(f.moveFile!('src/mine.js', 'src/other.js', { overwrite: true }), refused);
    await assert.rejects(f.writeText('src/new.js', 'x'), /Refused to write src\/new.js/);
    await assert.rejects(f.writeText('../outside.js', 'x'), (err: Error) => err.name === 'ToolError');
    assert.equal(readFileSync(join(ws.path, 'src/other.js'), 'utf8'), 'other\n');
    assert.ok(!existsSync(join(ws.path, 'src/new.js')));
    // Its per-agent views keep the fence.
    await assert.rejects(f.forAgent!('again').writeText('src/other.js', 'x'), refused);
  });
});
