// Fuzzy path matching for @-mention completion, the Quick Open behaviour users know (VS Code's
// fuzzyScorer: contiguous and base-name matches first, then subsequences at word starts).
import assert from 'node:assert/strict';
import { fuzzyFilter, fuzzyScore } from '../../../server/index/fuzzy';

const PATHS = ['src/chat/controller.ts', 'src/config.ts', 'server/handlers/run.ts', 'webview/composer.ts', 'test/unit/config.test.ts', 'README.md'];

describe('index: fuzzy', () => {
  it('an exact base name beats a prefix, which beats a substring, which beats a subsequence', () => {
    const best = (q: string) => fuzzyFilter(q, PATHS, (p) => p, 3);
    assert.equal(best('config.ts')[0], 'src/config.ts');
    assert.equal(best('compo')[0], 'webview/composer.ts');
    assert.equal(best('hanrun')[0], 'server/handlers/run.ts');
    assert.equal(best('scc')[0], 'src/chat/controller.ts');
  });

  it('is case-insensitive and needs every query character in order', () => {
    assert.ok(fuzzyScore('READ', 'README.md') !== undefined);
    assert.equal(fuzzyScore('xyz', 'src/config.ts'), undefined);
    assert.equal(fuzzyScore('stc', 'cts'), undefined);
    assert.deepEqual(fuzzyFilter('zzz', PATHS, (p) => p, 10), []);
  });

  it('an empty query matches everything in the given order, cut to the limit', () => {
    assert.deepEqual(fuzzyFilter('', PATHS, (p) => p, 2), PATHS.slice(0, 2));
  });
});
