// Region-aware three-way merge. Reference semantics: git's merge (diff3) for what counts as the
// same change and for conflict markers (https://git-scm.com/docs/git-merge-file), except that
// changes which only touch (adjacent lines) merge cleanly here, where diff3 would conflict.
import { strict as assert } from 'node:assert';
import { diffHunks, mapRegion, merge3, splitLines } from '../../../server/workspace/merge3';

const lines = (...xs: string[]): string => xs.map((x) => `${x}\n`).join('');

describe('merge3', () => {
  const base = lines('a', 'b', 'c', 'd', 'e');

  it('splits lines keeping terminators, including a last line without one and CRLF', () => {
    assert.deepEqual(splitLines('a\r\nb\nc'), ['a\r\n', 'b\n', 'c']);
    assert.deepEqual(splitLines(''), []);
  });

  it('lands disjoint changes that are far apart', () => {
    const r = merge3(base, lines('A', 'b', 'c', 'd', 'e'), lines('a', 'b', 'c', 'd', 'E'));
    assert.equal(r.text, lines('A', 'b', 'c', 'd', 'E'));
    assert.deepEqual(r.conflicts, []);
  });

  it('lands changes on adjacent lines (diff3 would conflict)', () => {
    const r = merge3(base, lines('a', 'B', 'c', 'd', 'e'), lines('a', 'b', 'C', 'd', 'e'));
    assert.equal(r.text, lines('a', 'B', 'C', 'd', 'e'));
    assert.deepEqual(r.conflicts, []);
  });

  it('lands an insertion right after a line the other side changed, in a stable order', () => {
    const r = merge3(base, lines('a', 'B', 'c', 'd', 'e'), lines('a', 'b', 'x', 'c', 'd', 'e'));
    assert.equal(r.text, lines('a', 'B', 'x', 'c', 'd', 'e'));
    assert.deepEqual(r.conflicts, []);
    const r2 = merge3(base, lines('a', 'b', 'x', 'c', 'd', 'e'), lines('a', 'b', 'C', 'd', 'e'));
    assert.equal(r2.text, lines('a', 'b', 'x', 'C', 'd', 'e'));
  });

  it('takes an identical change on both sides once', () => {
    const both = lines('a', 'b', 'C', 'd', 'e');
    assert.deepEqual(merge3(base, both, both), { text: both, conflicts: [] });
    const ins = lines('a', 'x', 'b', 'c', 'd', 'e');
    assert.equal(merge3(base, ins, ins).text, ins);
  });

  it('conflicts on overlapping changes, with git-style markers and both sides reported', () => {
    const r = merge3(base, lines('a', 'b', 'OURS', 'd', 'e'), lines('a', 'b', 'THEIRS', 'd', 'e'), { labels: { ours: 'workspace', theirs: 'worktree' } });
    assert.equal(r.text, lines('a', 'b', '<<<<<<< workspace', 'OURS', '=======', 'THEIRS', '>>>>>>> worktree', 'd', 'e'));
    assert.deepEqual(r.conflicts, [{ baseLine: 3, baseCount: 1, line: 3, base: 'c\n', ours: 'OURS\n', theirs: 'THEIRS\n' }]);
  });

  it('conflicts on two different insertions at one point and on an insertion inside a changed range', () => {
    const r = merge3(base, lines('a', 'x', 'b', 'c', 'd', 'e'), lines('a', 'y', 'b', 'c', 'd', 'e'), { onConflict: 'ours' });
    assert.equal(r.text, lines('a', 'x', 'b', 'c', 'd', 'e'));
    assert.equal(r.conflicts.length, 1);
    const r2 = merge3(base, lines('a', 'B', 'C', 'd', 'e'), lines('a', 'b', 'y', 'c', 'd', 'e'), { onConflict: 'theirs' });
    assert.equal(r2.conflicts.length, 1);
    assert.equal(r2.text, lines('a', 'b', 'y', 'c', 'd', 'e'));
  });

  it('reports the substring case as a conflict, never as a merged "value: 110"', () => {
    const b = lines('value: 10', 'other');
    const r = merge3(b, lines('value: 100', 'other'), lines('value: 11', 'other'));
    assert.equal(r.conflicts.length, 1);
    assert.doesNotMatch(r.text, /110/);
  });

  it('keeps a missing final newline and CRLF lines untouched', () => {
    const b = 'a\r\nb\r\nc';
    const r = merge3(b, 'A\r\nb\r\nc', 'a\r\nb\r\nC');
    assert.equal(r.text, 'A\r\nb\r\nC');
    const r2 = merge3(b, 'X\r\nb\r\nc', 'Y\r\nb\r\nc');
    assert.equal(r2.text, '<<<<<<< ours\r\nX\r\n=======\r\nY\r\n>>>>>>> theirs\r\nb\r\nc');
  });

  it('handles empty bases, deletions and a whole side deleted', () => {
    assert.equal(merge3('', 'x\n', '').text, 'x\n');
    assert.equal(merge3(base, lines('a', 'c', 'd', 'e'), lines('a', 'b', 'c', 'd')).text, lines('a', 'c', 'd'));
    assert.equal(merge3(base, '', base).text, '');
    assert.equal(merge3(base, '', lines('a', 'B', 'c', 'd', 'e')).conflicts.length, 1);
  });

  it('eight sides each changing its own line of one file merge in any order', () => {
    const b = Array.from({ length: 8 }, (_, i) => `slot ${i}: TODO\n`).join('');
    let acc = b;
    for (const i of [3, 0, 7, 1, 6, 2, 5, 4]) {
      const mine = b.replace(`slot ${i}: TODO`, `slot ${i}: done by ${i}`);
      const r = merge3(b, acc, mine);
      assert.deepEqual(r.conflicts, []);
      acc = r.text;
    }
    assert.equal(acc, Array.from({ length: 8 }, (_, i) => `slot ${i}: done by ${i}\n`).join(''));
  });
});

describe('mapRegion', () => {
  const a = lines('one', 'two', 'three', 'four');
  const at = (s: string, needle: string): number => s.indexOf(needle);

  it('maps a region past changes before it and ignores changes after it', () => {
    const b = lines('zero', 'ONE', 'two', 'three', 'FOUR');
    assert.equal(mapRegion(a, b, at(a, 'three'), at(a, 'three') + 5), at(b, 'three'));
  });

  it('maps a region whose neighbours (the lines right before and after) changed', () => {
    const b = lines('one', 'TWO', 'three', 'FOUR');
    assert.equal(mapRegion(a, b, at(a, 'three'), at(a, 'three') + 6), at(b, 'three'));
  });

  it('refuses a region whose line changed, even when the old text still occurs there', () => {
    const v = lines('value: 10', 'x');
    assert.equal(mapRegion(v, lines('value: 100', 'x'), 0, 'value: 10'.length), undefined);
  });

  it('refuses a region with a line inserted inside it, but not at its edges', () => {
    const s = at(a, 'two');
    const e = at(a, 'three') + 6;
    assert.equal(mapRegion(a, lines('one', 'two', 'mid', 'three', 'four'), s, e), undefined);
    assert.equal(mapRegion(a, lines('one', 'pre', 'two', 'three', 'post', 'four'), s, e), at(lines('one', 'pre', 'two', 'three', 'post', 'four'), 'two'));
  });

  it('diffHunks reports base and new ranges', () => {
    assert.deepEqual(diffHunks(a, lines('one', 'TWO', 'three', 'four', 'five')), [
      { aStart: 1, aEnd: 2, bStart: 1, bEnd: 2, lines: ['TWO\n'] },
      { aStart: 4, aEnd: 4, bStart: 4, bEnd: 5, lines: ['five\n'] },
    ]);
  });
});
