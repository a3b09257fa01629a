// Issue 12: a refactor shard's fix agent writes only its shard's files. The fence refuses writes,
// edits, deletes and moves of any other file (a ToolError the agent reads), `..` and absolute
// paths included, and leaves reads alone.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, EditorDocuments } from '../../../server/workspace';
import { fenced } from '../../../server/swarm/fence';
import { tempDir, usePrivateJournalDir } from '../../support/server';

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

// A fenced agent's command: what it changed outside the fence is put back from the snapshot taken
// just before it (command-undo.ts); a change another fenced agent made meanwhile (its command, or
// its edit tool) is never undone, since the snapshots alone cannot tell whose it was.
describe('swarm/fence: commands', function () {
  this.timeout(30_000);
  usePrivateJournalDir('fence-journals-');
  let ws: ReturnType<typeof tempDir>;
  beforeEach(() => {
    ws = tempDir();
    mkdirSync(join(ws.path, 'src'));
    writeFileSync(join(ws.path, 'src/mine.js'), 'mine\n');
    writeFileSync(join(ws.path, 'src/other.js'), 'other\n');
    writeFileSync(join(ws.path, 'src/third.js'), 'third\n');
  });
  afterEach(() => ws.cleanup());

  async function twoAgents() {
    const run = (await createWorkspace(ws.path, new EditorDocuments())).forRun!('fence-run', 'fix');
    return { a: fenced(run.forAgent!('a'), ['src/mine.js']), b: fenced(run.forAgent!('b'), ['src/other.js']) };
  }

  it('puts back what a command changed outside the fence and says so; keeps its own change', async () => {
    const { a } = await twoAgents();
    const r = await a.journalCommand!(async () => {
      writeFileSync(join(ws.path, 'src/mine.js'), 'mine 2\n');
      writeFileSync(join(ws.path, 'src/third.js'), 'clobbered\n');
      writeFileSync(join(ws.path, 'src/new.js'), 'new\n');
    });
    assert.deepEqual(r.changed, ['src/mine.js']);
    assert.deepEqual(r.restored?.sort(), ['src/new.js', 'src/third.js']);
    assert.match(r.notice ?? '', /put back as they were before this command, byte for byte: src\/new.js, src\/third.js\. This task may change only its own files \(src\/mine.js\)/);
    assert.equal(readFileSync(join(ws.path, 'src/third.js'), 'utf8'), 'third\n');
    assert.ok(!existsSync(join(ws.path, 'src/new.js')));
    assert.equal(readFileSync(join(ws.path, 'src/mine.js'), 'utf8'), 'mine 2\n');
  });

  it('leaves a file another fenced agent\'s command changed while its own ran', async () => {
    const { a, b } = await twoAgents();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const aStarted = new Promise<void>((r) => (started = r));
    const ra = a.journalCommand!(async () => {
      started();
      await gate;
    });
    await aStarted;
    const rb = await b.journalCommand!(async () => writeFileSync(join(ws.path, 'src/other.js'), 'other 2\n'));
    release();
    const r = await ra;
    assert.deepEqual(rb.changed, ['src/other.js']);
    assert.equal(r.restored, undefined, JSON.stringify(r));
    assert.equal(readFileSync(join(ws.path, 'src/other.js'), 'utf8'), 'other 2\n');
    assert.match(r.notice ?? '', /while another agent's command ran, left to that agent: src\/other.js/);
  });

  it('leaves a file another agent wrote with its edit tool while the command ran', async () => {
    const { a, b } = await twoAgents();
    await b.readText('src/other.js');
    const r = await a.journalCommand!(async () => {
      await b.writeText('src/other.js', 'written by b\n');
    });
    assert.equal(readFileSync(join(ws.path, 'src/other.js'), 'utf8'), 'written by b\n');
    assert.equal(r.restored, undefined);
    assert.match(r.left?.[0]?.reason ?? '', /another agent\) wrote it while the command ran/);
  });
});

// Hostile commands: links made outside the fence (a file swapped for a link to a secret, a folder
// swapped for a link out of the workspace) are undone too, and the files behind them come back.
describe('swarm/fence: commands that make links', function () {
  this.timeout(30_000);
  usePrivateJournalDir('fence-links-');
  let ws: ReturnType<typeof tempDir>;
  beforeEach(() => {
    ws = tempDir();
    mkdirSync(join(ws.path, 'src'));
    mkdirSync(join(ws.path, 'lib'));
    writeFileSync(join(ws.path, 'src/mine.js'), 'mine\n');
    writeFileSync(join(ws.path, 'src/other.js'), 'other\n');
    writeFileSync(join(ws.path, 'lib/util.js'), 'util\n');
  });
  afterEach(() => ws.cleanup());

  it('a file made a link, a new link and a folder made a link out of the workspace are all put back', async () => {
    const run = (await createWorkspace(ws.path, new EditorDocuments())).forRun!('fence-links', 'fix');
    const a = fenced(run.forAgent!('a'), ['src/mine.js']);
    const r = await a.journalCommand!(async () => {
      rmSync(join(ws.path, 'src/other.js'));
      symlinkSync('/etc/passwd', join(ws.path, 'src/other.js'));
      symlinkSync('/etc', join(ws.path, 'src/evil'));
      rmSync(join(ws.path, 'lib'), { recursive: true });
      symlinkSync('/tmp', join(ws.path, 'lib'));
    });
    assert.deepEqual(r.restored?.sort(), ['lib', 'lib/util.js', 'src/evil', 'src/other.js'], JSON.stringify(r));
    assert.ok(!lstatSync(join(ws.path, 'src/other.js')).isSymbolicLink());
    assert.equal(readFileSync(join(ws.path, 'src/other.js'), 'utf8'), 'other\n');
    assert.ok(!existsSync(join(ws.path, 'src/evil')));
    assert.ok(lstatSync(join(ws.path, 'lib')).isDirectory());
    assert.equal(readFileSync(join(ws.path, 'lib/util.js'), 'utf8'), 'util\n');
  });
});
