import assert from 'node:assert/strict';
import type { ChangedFile } from '../../../../server/protocol';
import { ReviewModel, changeLetter, checkpointUriParts, hunkAt, hunkLabel, lensLine, lineDelta, modeLabel, parseCheckpointUri, splitCheckpoints } from '../../../../src/review/model';
import { hunksOf } from '../../../../server/workspace/hunks';

const file = (path: string, change: ChangedFile['change'], original?: string, current?: string): ChangedFile => ({
  path,
  change,
  ...(original !== undefined ? { original } : {}),
  ...(current !== undefined ? { current } : {}),
});

describe('src/review/model', () => {
  it('round-trips checkpoint URI parts, including odd characters in paths and run ids', () => {
    const parts = checkpointUriParts('run 1&x=y', 'src/a b#c.ts');
    assert.equal(parts.path, '/src/a b#c.ts');
    assert.deepEqual(parseCheckpointUri(parts.path, parts.query), { runId: 'run 1&x=y', path: 'src/a b#c.ts', side: 'original' });
    const empty = checkpointUriParts('r', 'new.ts', 'empty');
    assert.equal(parseCheckpointUri(empty.path, empty.query)?.side, 'empty');
    assert.equal(parseCheckpointUri('/x', 'side=empty'), undefined);
  });

  it('counts added and removed lines of a change', () => {
    assert.deepEqual(lineDelta(file('a', 'modified', 'a\nb\nc\n', 'a\nB\nc\nd\n')), { added: 2, removed: 1 });
    assert.deepEqual(lineDelta(file('a', 'added', undefined, 'x\ny')), { added: 2, removed: 0 });
    assert.deepEqual(lineDelta(file('a', 'deleted', 'x\r\ny\r\n', undefined)), { added: 0, removed: 2 });
    assert.equal(lineDelta({ path: 'b', change: 'modified', binary: true }), undefined);
    assert.equal(lineDelta(file('a', 'modified')), undefined);
    assert.deepEqual(['added', 'modified', 'deleted'].map((c) => changeLetter(c as ChangedFile['change'])), ['A', 'M', 'D']);
    // A change of permission bits (the server's ChangedFile.mode, git's notation) gets its own label.
    assert.equal(modeLabel({ path: 'run.sh', change: 'modified', mode: { original: '100644', current: '100755' } }), 'mode 100644 → 100755');
    assert.equal(modeLabel(file('a', 'modified', 'x', 'y')), undefined);
  });

  it('lists runs newest first, drops unchanged files, decided files and empty runs', () => {
    let t = 0;
    const m = new ReviewModel(() => ++t);
    m.set('old', 'first task', 'finished', [file('a.ts', 'modified', '1', '2'), file('same.ts', 'unchanged', 'x', 'x')]);
    m.set('new', 'second task', 'finished', [file('b.ts', 'added', undefined, 'b'), file('c.ts', 'deleted', 'c')]);
    assert.deepEqual(m.list().map((r) => r.runId), ['new', 'old']);
    assert.deepEqual(m.get('old')?.files.map((f) => f.path), ['a.ts']);
    assert.equal(m.fileCount(), 3);
    m.remove('new', ['b.ts']);
    assert.deepEqual(m.get('new')?.files.map((f) => f.path), ['c.ts']);
    m.remove('new', ['c.ts']);
    assert.equal(m.get('new'), undefined);
    assert.equal(m.lastDecidable()?.runId, 'old');
    // A refresh with nothing left to review drops the run; the task is kept across refreshes.
    m.set('old', '', 'finished', [file('a.ts', 'modified', '1', '3')]);
    assert.equal(m.get('old')?.task, 'first task');
    m.set('old', '', 'finished', [file('a.ts', 'unchanged', '1', '1')]);
    assert.equal(m.list().length, 0);
  });

  it('never picks an active run to undo', () => {
    let t = 0;
    const m = new ReviewModel(() => ++t);
    m.set('done', 't', 'finished', [file('a', 'modified', '1', '2')]);
    m.set('going', 't', 'active', [file('b', 'modified', '1', '2')]);
    assert.equal(m.lastDecidable()?.runId, 'done');
  });

  it('splits checkpoints into the restore offer and the undecided list', () => {
    const base = { task: 't', startedAt: 0, files: 2 };
    const { interrupted, undecided } = splitCheckpoints([
      { ...base, runId: 'i', state: 'interrupted' },
      { ...base, runId: 'f', state: 'finished', status: 'done' },
      { ...base, runId: 'a', state: 'active' },
      { ...base, runId: 'e', state: 'finished', files: 0 },
    ]);
    assert.deepEqual(interrupted.map((c) => c.runId), ['i']);
    assert.deepEqual(undecided.map((c) => c.runId), ['f']);
  });

  it('finds the hunk under the cursor and places its CodeLens, from the server\'s real hunks', () => {
    const original = 'a\nb\nc\nd\ne\n';
    const current = 'a\nB\nB2\nc\ne\n'; // b → B, B2 (lines 2-3); d removed (after line 4)
    const f: ChangedFile = { path: 'x', change: 'modified', hunks: hunksOf(original, current) };
    const [edit, del] = f.hunks!;
    assert.equal(hunkAt(f, 1), undefined);
    assert.equal(hunkAt(f, 2)?.id, edit.id);
    assert.equal(hunkAt(f, 3)?.id, edit.id);
    assert.equal(hunkAt(f, 5)?.id, del.id);
    assert.equal(hunkLabel(edit), 'Lines 2–3');
    assert.equal(hunkLabel(del), 'Removed after line 4');
    assert.deepEqual([lensLine(edit), lensLine(del)], [1, 4]);
    assert.deepEqual(lineDelta({ ...f, added: 2, removed: 2 }), { added: 2, removed: 2 });
  });

  it('keeps a run listed while it has a kept worktree, and never offers it for undo', () => {
    const m = new ReviewModel(() => 1);
    m.set('r', 'task', 'finished', [], [{ runId: 'r', agentId: 'shard#1', path: '/tmp/swarmcode-worktrees-x/shard_1', reasons: ['link-out: refused'] }]);
    assert.equal(m.get('r')?.kept?.length, 1);
    assert.equal(m.lastDecidable(), undefined);
    m.removeKept('r', '/tmp/swarmcode-worktrees-x/shard_1');
    assert.equal(m.get('r'), undefined);
  });
});
