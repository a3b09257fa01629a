// Issue 11, finding 5: rejecting a run must undo only that run's change. A file changed since the
// run wrote it (by the user, or by a later run) is never silently overwritten: the run's change is
// reverted three-way when it applies cleanly (git-merge-file(1) semantics: changes base→other are
// carried into current), else the file is left alone and `skipped` says why. Real files, real git.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, EditorDocuments, rejectChanges, type Workspace } from '../../server/workspace';

const ORIGINAL = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\n';

describe('security: reject never destroys later work', function () {
  this.timeout(30_000);
  let root: string;
  let ws: Workspace;
  const saved = process.env.SWARMCODE_JOURNAL_DIR;
  const file = () => path.join(root, 'f.txt');
  const read = () => fs.readFile(file(), 'utf8');

  beforeEach(async () => {
    process.env.SWARMCODE_JOURNAL_DIR = await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-later-journals-'));
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-later-')));
    await fs.writeFile(file(), ORIGINAL);
    ws = await createWorkspace(root, new EditorDocuments());
  });
  afterEach(async () => {
    await fs.rm(process.env.SWARMCODE_JOURNAL_DIR!, { recursive: true, force: true });
    if (saved === undefined) delete process.env.SWARMCODE_JOURNAL_DIR;
    else process.env.SWARMCODE_JOURNAL_DIR = saved;
    await fs.rm(root, { recursive: true, force: true });
  });

  async function run(id: string, edits: [string, string][], p = 'f.txt'): Promise<void> {
    const r = ws.forRun!(id, `edit ${p}`);
    const a = r.forAgent!('a');
    await a.readText(p);
    for (const [oldString, newString] of edits) await a.editText!(p, { oldString, newString });
    await r.close('done');
  }

  it('user edit after the run, disjoint: the user\'s edit survives and the run\'s change is reverted three-way', async () => {
    await run('r-user', [['l1\n', 'RUN1\n']]);
    await fs.writeFile(file(), (await read()).replace('l8', 'USER8'));
    const res = await rejectChanges(root, 'r-user');
    assert.equal(await read(), ORIGINAL.replace('l8', 'USER8'));
    assert.deepEqual([res.restored, res.merged, res.skipped, res.remaining], [[], ['f.txt'], [], 0]);
  });

  it('user edit after the run, overlapping: the file is left as the user has it and skipped with a reason', async () => {
    await run('r-overlap', [['l3\n', 'RUN3\n']]);
    await fs.writeFile(file(), (await read()).replace('RUN3', 'USER3'));
    const res = await rejectChanges(root, 'r-overlap');
    assert.deepEqual(res.restored, []);
    assert.equal(res.skipped.length, 1);
    assert.equal(res.skipped[0].path, 'f.txt');
    assert.match(res.skipped[0].reason, /changed after the run wrote it \(by the user or another run\) and the later changes overlap/);
    assert.equal(res.remaining, 1, 'still in the journal: the user can accept it or fix it by hand');
    assert.equal(await read(), ORIGINAL.replace('l3', 'USER3'));
  });

  it('a file the user deleted after the run, and a run-created file the user edited, are left alone', async () => {
    const r = ws.forRun!('r-gone', 'two files');
    const a = r.forAgent!('a');
    await a.readText('f.txt');
    await a.editText!('f.txt', { oldString: 'l2', newString: 'RUN2' });
    await a.writeText('made/new.txt', 'from the run\n');
    await r.close('done');
    await fs.rm(file());
    await fs.writeFile(path.join(root, 'made/new.txt'), 'from the run\nand the user\n');
    const res = await rejectChanges(root, 'r-gone');
    assert.deepEqual(res.skipped.map((s) => s.path).sort(), ['f.txt', 'made/new.txt']);
    assert.match(res.skipped.find((s) => s.path === 'f.txt')!.reason, /deleted after the run wrote it/);
    assert.match(res.skipped.find((s) => s.path === 'made/new.txt')!.reason, /created it and it was changed since/);
    await assert.rejects(fs.stat(file()), 'not resurrected');
    assert.equal(await fs.readFile(path.join(root, 'made/new.txt'), 'utf8'), 'from the run\nand the user\n');
  });

  for (const order of [['older', 'newer'], ['newer', 'older']] as const) {
    it(`two runs on one file, disjoint changes, rejected ${order[0]} first: each reject removes only its run's change`, async () => {
      await run('older', [['l1\n', 'OLD1\n']]);
      await run('newer', [['l8\n', 'NEW8\n']]);
      const first = await rejectChanges(root, order[0]);
      assert.deepEqual(first.skipped, []);
      assert.equal(await read(), order[0] === 'older' ? ORIGINAL.replace('l8', 'NEW8') : ORIGINAL.replace('l1', 'OLD1'), `after rejecting ${order[0]}`);
      const second = await rejectChanges(root, order[1]);
      assert.deepEqual(second.skipped, []);
      assert.equal(await read(), ORIGINAL, 'both rejected: the original, and nothing rejected comes back');
    });
  }

  it('two runs stacked on the same lines: the older one is skipped naming the newer; newest first restores exactly', async () => {
    await run('base-run', [['l4\n', 'OLD4\n']]);
    await run('top-run', [['OLD4\n', 'NEW4\n']]);
    const early = await rejectChanges(root, 'base-run');
    assert.deepEqual(early.restored, []);
    assert.match(early.skipped[0]?.reason ?? '', /newer run \(top-run\).*Reject top-run first/);
    assert.equal(await read(), ORIGINAL.replace('l4', 'NEW4'), 'the newer run\'s edit is not wiped');
    const top = await rejectChanges(root, 'top-run');
    assert.deepEqual([top.restored, top.skipped], [['f.txt'], []]);
    assert.equal(await read(), ORIGINAL.replace('l4', 'OLD4'), 'the newer run\'s reject brings back the older run\'s version, not older content');
    const base = await rejectChanges(root, 'base-run');
    assert.deepEqual([base.restored, base.skipped], [['f.txt'], []]);
    assert.equal(await read(), ORIGINAL);
  });
});
