import assert from 'node:assert/strict';
import type { VisualProgressParams } from '../../../../server/protocol';
import { VisualProgressRouter } from '../../../../src/visual/progress';

const it_ = (runId: string, round: number): VisualProgressParams => ({
  runId,
  iteration: { round, candidate: 0, score: round / 10, best: round / 10, improved: true },
});

describe('src/visual/progress: one swarm/visualProgress handler, many consumers', () => {
  it('delivers every notification of a run to both the panel and the progress notification', () => {
    const router = new VisualProgressRouter();
    const panel: number[] = [];
    const toast: number[] = [];
    const other: number[] = [];
    const a = router.subscribe('r1', (p) => panel.push(p.iteration.round));
    const b = router.subscribe('r1', (p) => toast.push(p.iteration.round));
    router.subscribe('r2', (p) => other.push(p.iteration.round));
    router.dispatch(it_('r1', 1));
    router.dispatch(it_('r2', 7));
    router.dispatch(it_('r1', 2));
    assert.deepEqual(panel, [1, 2]);
    assert.deepEqual(toast, [1, 2]);
    assert.deepEqual(other, [7]);
    // The progress notification ends first (its request resolved); the panel keeps listening.
    b.dispose();
    router.dispatch(it_('r1', 3));
    assert.deepEqual(panel, [1, 2, 3]);
    assert.deepEqual(toast, [1, 2]);
    a.dispose();
    assert.deepEqual(router.runs, ['r2']);
    router.dispatch(it_('r1', 4));
    assert.deepEqual(panel, [1, 2, 3]);
  });

  it('keeps delivering when one listener throws', () => {
    const router = new VisualProgressRouter();
    const got: number[] = [];
    router.subscribe('r', () => {
      throw new Error('panel disposed');
    });
    router.subscribe('r', (p) => got.push(p.iteration.round));
    router.dispatch(it_('r', 1));
    assert.deepEqual(got, [1]);
  });
});
