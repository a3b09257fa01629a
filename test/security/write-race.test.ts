// Issue 11, finding 4: a folder swapped for a symlink between the path check and the write must
// never make a write (or a rollback) land outside the workspace. Real file system, real races:
// a second OS process swaps the folder in a loop; a hook makes the same swap deterministic.
// Reference: the TOCTOU pattern CWE-367 and openat(2)/O_NOFOLLOW semantics (man 2 open, "O_NOFOLLOW";
// man 5 proc, "/proc/pid/fd/": the links resolve to the open file itself, not to its path).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, EditorDocuments, rejectChanges, type Workspace } from '../../server/workspace';
import { setWriteHookForTests } from '../../server/workspace/safe-fs';
import { ToolError } from '../../server/tools/types';

// sub is, in turn, the real folder and a symlink to the outside folder (the real folder parked as
// d_real meanwhile). A folder the writer re-creates in a gap is parked as junkN, inside the workspace.
const SWAPPER = `
const fs = require('node:fs');
const [sub, real, link, junk] = process.argv.slice(1);
let n = 0;
for (;;) {
  let st = null;
  try { st = fs.lstatSync(sub); } catch {}
  try {
    if (st && st.isDirectory()) {
      try { fs.renameSync(sub, real); } catch { fs.renameSync(sub, junk + n++); }
      fs.renameSync(link, sub);
    } else if (st && st.isSymbolicLink()) {
      fs.renameSync(sub, link);
      fs.renameSync(real, sub);
    } else fs.renameSync(real, sub);
  } catch {}
}`;

async function listAll(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true })).map(String).sort();
}

describe('security: symlink races on the write and rollback paths', function () {
  this.timeout(60_000);
  let root: string;
  let outside: string;
  let ws: Workspace;
  let swapper: ChildProcess | undefined;
  const savedJournal = process.env.SWARMCODE_JOURNAL_DIR;

  beforeEach(async () => {
    process.env.SWARMCODE_JOURNAL_DIR = await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-race-journals-'));
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-race-ws-')));
    outside = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-race-outside-')));
    await fs.writeFile(path.join(outside, 'precious.txt'), 'must survive\n');
    ws = await createWorkspace(root, new EditorDocuments());
  });
  afterEach(async () => {
    setWriteHookForTests(undefined);
    if (swapper && swapper.exitCode === null && swapper.signalCode === null) {
      swapper.kill('SIGKILL');
      await new Promise((r) => swapper!.once('exit', r));
    }
    swapper = undefined;
    await fs.rm(process.env.SWARMCODE_JOURNAL_DIR!, { recursive: true, force: true });
    if (savedJournal === undefined) delete process.env.SWARMCODE_JOURNAL_DIR;
    else process.env.SWARMCODE_JOURNAL_DIR = savedJournal;
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(outside, { recursive: true, force: true });
  });

  it('a second process swapping a folder for a symlink in a loop never gets a write outside', async () => {
    await fs.mkdir(path.join(root, 'd_real'));
    await fs.symlink(outside, path.join(root, 'd_link'));
    swapper = spawn(process.execPath, ['-e', SWAPPER, path.join(root, 'sub'), path.join(root, 'd_real'), path.join(root, 'd_link'), path.join(root, 'junk')], { stdio: 'ignore' });
    let written = 0;
    let refused = 0;
    // Bounded by count and by time (the machine may be slow); a few hundred tries found escapes on the old code.
    const end = Date.now() + 20_000;
    for (let i = 0; i < 300 && Date.now() < end; i++) {
      try {
        await ws.writeText(`sub/f${i}.txt`, `write ${i}\n`);
        written++;
      } catch (err) {
        refused++;
        assert.ok(err instanceof ToolError, (err as Error).stack);
      }
    }
    swapper.kill('SIGKILL');
    await new Promise((r) => swapper!.once('exit', r));
    assert.ok(written > 0, `some writes went through (${refused} refused)`);
    assert.deepEqual(await listAll(outside), ['precious.txt'], `nothing lands outside (${written} written, ${refused} refused)`);
    assert.equal(await fs.readFile(path.join(outside, 'precious.txt'), 'utf8'), 'must survive\n');
    const leftovers = (await listAll(root)).filter((f) => f.includes('.tmp') && !f.startsWith('d_link'));
    assert.deepEqual(leftovers, [], 'no temp files left behind');
  });

  it('the same swap loop never makes read_file return an outside file, and every refusal is a tool error', async () => {
    await fs.mkdir(path.join(root, 'd_real'));
    await fs.writeFile(path.join(root, 'd_real', 'precious.txt'), 'the workspace copy\n');
    await fs.symlink(outside, path.join(root, 'd_link'));
    swapper = spawn(process.execPath, ['-e', SWAPPER, path.join(root, 'sub'), path.join(root, 'd_real'), path.join(root, 'd_link'), path.join(root, 'junk')], { stdio: 'ignore' });
    const seen = { inside: 0, refused: 0 };
    // Bounded by count and time; on the old code about 1 read in 200 returned the outside file.
    const end = Date.now() + 10_000;
    for (let i = 0; i < 3000 && Date.now() < end; i++) {
      try {
        const text = await ws.readText('sub/precious.txt');
        assert.equal(text, 'the workspace copy\n', `read ${i} returned a file outside the workspace`);
        seen.inside++;
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        assert.ok(err instanceof ToolError, (err as Error).stack);
        seen.refused++;
      }
    }
    assert.ok(seen.inside > 0, JSON.stringify(seen));
  });

  it('refuses the rename when the folder became a symlink after the temp file was written (hook)', async () => {
    await fs.mkdir(path.join(root, 'sub'));
    await fs.writeFile(path.join(root, 'sub', 'precious.txt'), 'inside\n');
    setWriteHookForTests(async (stage) => {
      if (stage !== 'before-rename') return;
      await fs.rename(path.join(root, 'sub'), path.join(root, 'sub.moved'));
      await fs.symlink(outside, path.join(root, 'sub'));
    });
    await assert.rejects(ws.writeText('sub/precious.txt', 'overwritten\n'), (err: Error) => {
      assert.ok(err instanceof ToolError, err.stack);
      assert.match(err.message, /sub\/precious\.txt.*(changed|moved|symlink)/s);
      return true;
    });
    assert.equal(await fs.readFile(path.join(outside, 'precious.txt'), 'utf8'), 'must survive\n');
    assert.deepEqual(await listAll(outside), ['precious.txt']);
    assert.equal(await fs.readFile(path.join(root, 'sub.moved', 'precious.txt'), 'utf8'), 'inside\n');
    assert.deepEqual((await listAll(path.join(root, 'sub.moved'))), ['precious.txt'], 'the temp file is removed');
  });

  it('refuses when the file itself was replaced by a symlink before the rename (hook)', async () => {
    await fs.writeFile(path.join(root, 'a.txt'), 'a\n');
    await ws.readText('a.txt');
    setWriteHookForTests(async (stage) => {
      if (stage !== 'before-rename') return;
      await fs.rm(path.join(root, 'a.txt'));
      await fs.symlink(path.join(outside, 'precious.txt'), path.join(root, 'a.txt'));
    });
    await assert.rejects(ws.writeText('a.txt', 'b\n'), /a\.txt.*symlink/s);
    assert.equal(await fs.readFile(path.join(outside, 'precious.txt'), 'utf8'), 'must survive\n');
    assert.ok((await fs.lstat(path.join(root, 'a.txt'))).isSymbolicLink(), 'the symlink is left for the user to see');
  });

  it('rollback goes through the same checks: a created folder swapped for a symlink is not written through', async () => {
    await fs.mkdir(path.join(root, 'sub'));
    await fs.writeFile(path.join(root, 'sub', 'precious.txt'), 'v1\n');
    const run = ws.forRun!('race-rb', 'edit then swap');
    const a = run.forAgent!('a');
    await a.readText('sub/precious.txt');
    await a.writeText('sub/precious.txt', 'v2\n');
    await a.writeText('sub/created.txt', 'new\n');
    await run.close('done');
    // After the run: the folder is replaced by a symlink to a folder outside holding the same names.
    await fs.rename(path.join(root, 'sub'), path.join(root, 'sub.moved'));
    await fs.symlink(outside, path.join(root, 'sub'));
    await fs.writeFile(path.join(outside, 'created.txt'), 'outside file, not the run\'s\n');
    const res = await rejectChanges(root, 'race-rb');
    assert.deepEqual(res.restored, []);
    assert.deepEqual(res.removed, []);
    assert.deepEqual(res.skipped.map((s) => s.path).sort(), ['sub/created.txt', 'sub/precious.txt']);
    for (const s of res.skipped) assert.match(s.reason, /symlink|outside/);
    assert.equal(await fs.readFile(path.join(outside, 'precious.txt'), 'utf8'), 'must survive\n');
    assert.equal(await fs.readFile(path.join(outside, 'created.txt'), 'utf8'), 'outside file, not the run\'s\n');
  });

  it('rollback refuses a tampered journal entry whose path leads outside the workspace', async () => {
    await fs.writeFile(path.join(root, 'a.txt'), 'a\n');
    const run = ws.forRun!('race-tamper', 'edit');
    const a = run.forAgent!('a');
    await a.readText('a.txt');
    await a.writeText('a.txt', 'b\n');
    await run.close('done');
    const dir = path.join(process.env.SWARMCODE_JOURNAL_DIR!);
    const entries = (await fs.readdir(dir, { recursive: true })).map(String).filter((f) => /entries\/0\.json$/.test(f));
    assert.equal(entries.length, 1);
    const file = path.join(dir, entries[0]);
    const e = JSON.parse(await fs.readFile(file, 'utf8'));
    await fs.writeFile(file, JSON.stringify({ ...e, abs: path.join(outside, 'precious.txt'), path: '../' + path.basename(outside) + '/precious.txt' }));
    // A fresh process would load it from disk: drop the in-memory copy by loading through a new store key.
    const { journalStoreFor } = await import('../../server/workspace/journal-store');
    journalStoreFor(root).forget('race-tamper');
    const res = await rejectChanges(root, 'race-tamper');
    assert.equal(res.skipped.length, 1);
    assert.match(res.skipped[0].reason, /outside the workspace/);
    assert.equal(await fs.readFile(path.join(outside, 'precious.txt'), 'utf8'), 'must survive\n');
  });

  it('rollback never removes folders outside the workspace named in a tampered entry\'s createdDirs', async () => {
    const run = ws.forRun!('race-dirs', 'create');
    await run.forAgent!('a').writeText('made/new.txt', 'x\n');
    await run.close('done');
    await fs.mkdir(path.join(outside, 'empty'));
    const dir = process.env.SWARMCODE_JOURNAL_DIR!;
    const file = path.join(dir, (await fs.readdir(dir, { recursive: true })).map(String).find((f) => /entries\/0\.json$/.test(f))!);
    const e = JSON.parse(await fs.readFile(file, 'utf8'));
    assert.deepEqual(e.createdDirs, [path.join(root, 'made')]);
    await fs.writeFile(file, JSON.stringify({ ...e, createdDirs: [path.join(outside, 'empty'), outside, ...e.createdDirs] }));
    const { journalStoreFor } = await import('../../server/workspace/journal-store');
    journalStoreFor(root).forget('race-dirs');
    const res = await rejectChanges(root, 'race-dirs');
    assert.deepEqual(res.removed, ['made/new.txt']);
    assert.ok((await fs.stat(path.join(outside, 'empty'))).isDirectory(), 'the outside folder is still there');
    await assert.rejects(fs.stat(path.join(root, 'made')), 'the folder the run created is gone');
  });
});
