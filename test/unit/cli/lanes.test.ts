// cli/lanes.ts: sub-agents' streamed deltas, interleaved as they arrive from parallel streams,
// come out as whole lines per agent (the CLI's human output, issue 14).
import assert from 'node:assert/strict';
import { cliLaneLabel, LaneBuffers } from '../../../cli/lanes';

describe('cli/lanes: per-agent line buffers', () => {
  it('turns interleaved deltas of two agents into whole, prefixed lines', () => {
    const out: string[] = [];
    const lanes = new LaneBuffers((l) => out.push(l));
    lanes.spawned('worker#1', { item: 'a.ts', task: 'Review a.ts' });
    lanes.spawned('worker#2', { task: 'Check the parser\nthen report' });
    const a = 'Needs a review\nof a.ts';
    const b = 'Easy, but\nprod needs it';
    for (let i = 0; i < Math.max(a.length, b.length); i += 3) {
      lanes.text('worker#1', a.slice(i, i + 3));
      lanes.text('worker#2', b.slice(i, i + 3));
    }
    // Each line is printed when its newline arrives (worker#2's comes first), never a piece of one.
    assert.deepEqual(out, ['[worker#2 Check the parser] Easy, but\n', '[worker#1 a.ts] Needs a review\n']);
    lanes.flush('worker#2');
    lanes.flushAll();
    assert.deepEqual(out.slice(2), ['[worker#2 Check the parser] prod needs it\n', '[worker#1 a.ts] of a.ts\n']);
    lanes.flushAll();
    assert.equal(out.length, 4, 'nothing is printed twice');
  });

  it('ends a thought when text starts, styles thinking lines, breaks endless lines, drops blank ones', () => {
    const out: string[] = [];
    const lanes = new LaneBuffers((l) => out.push(l), (s) => `<dim>${s}</dim>`);
    lanes.reasoning('w', 'plan it');
    lanes.text('w', '\n\nok\r\n\tindented\n');
    lanes.text('w', 'x'.repeat(4500));
    lanes.flush('w');
    assert.deepEqual(out.slice(0, 3), ['<dim>[w] thinking: plan it</dim>\n', '[w] ok\n', '[w]   indented\n']);
    assert.deepEqual(out.slice(3).map((l) => l.length), [2000 + 5, 2000 + 5, 500 + 5]);
  });

  it('escapes control characters in labels and text; an unknown agent still gets a prefix', () => {
    const out: string[] = [];
    const lanes = new LaneBuffers((l) => out.push(l));
    lanes.text('ghost\u001b[2J', 'boo\u0007\n');
    assert.deepEqual(out, ['[ghost\\x1b[2J] boo\\x07\n']);
    assert.equal(cliLaneLabel({ item: `${'y'.repeat(40)}`, task: '' }), `${'y'.repeat(31)}…`);
    assert.equal(cliLaneLabel({ task: '   ' }), '(no task)');
  });
});
