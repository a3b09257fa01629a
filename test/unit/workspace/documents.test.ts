import { strict as assert } from 'node:assert';
import { EditorDocuments } from '../../../server/workspace';

describe('EditorDocuments', () => {
  it('tracks open, change, save and close', () => {
    const d = new EditorDocuments();
    const seen: string[] = [];
    d.onDidChange((p) => seen.push(p));
    assert.equal(d.get('/w/a.ts'), undefined);
    d.open('/w/a.ts', 'one');
    assert.equal(d.get('/w/a.ts'), 'one');
    assert.equal(d.isDirty('/w/a.ts'), false);
    d.change('/w/a.ts', 'two');
    assert.equal(d.get('/w/a.ts'), 'two');
    assert.equal(d.isDirty('/w/a.ts'), true);
    assert.deepEqual(d.dirtyPaths(), ['/w/a.ts']);
    d.saved('/w/a.ts');
    assert.equal(d.isDirty('/w/a.ts'), false);
    assert.equal(d.get('/w/a.ts'), 'two');
    d.close('/w/a.ts');
    assert.equal(d.get('/w/a.ts'), undefined);
    assert.equal(d.isDirty('/w/a.ts'), false);
    assert.equal(seen.length, 4);
  });

  it('normalises paths and updates only clean buffers on disk writes', () => {
    const d = new EditorDocuments();
    d.open('/w/x/../b.ts', 'b');
    assert.equal(d.get('/w/b.ts'), 'b');
    d.wroteToDisk('/w/b.ts', 'b2');
    assert.equal(d.get('/w/b.ts'), 'b2');
    d.change('/w/b.ts', 'dirty');
    d.wroteToDisk('/w/b.ts', 'b3');
    assert.equal(d.get('/w/b.ts'), 'dirty');
  });
});
