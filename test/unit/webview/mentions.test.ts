// Where the composer sees an @-mention (webview/mentions.ts, webview/chips.ts): the same rule as the
// CLI (server/attachments/parse.ts) — start of input or after a space/bracket/quote, so an e-mail
// address (a@b.com) is never a mention.
import assert from 'node:assert/strict';
import { mentionAt } from '../../../webview/mentions';
import { hasMention, withoutMention } from '../../../webview/chips';

describe('webview: mention text', () => {
  it('mentionAt finds the @query before the caret, and nothing inside a word', () => {
    assert.deepEqual(mentionAt('explain @src/a', 14), { query: 'src/a', start: 8 });
    assert.deepEqual(mentionAt('@', 1), { query: '', start: 0 });
    assert.deepEqual(mentionAt('see (@x', 7), { query: 'x', start: 5 });
    assert.equal(mentionAt('mail a@b.com', 12), undefined);
    assert.equal(mentionAt('@a.ts done', 10), undefined, 'the caret is past the mention');
    assert.deepEqual(mentionAt('@a.ts done', 5), { query: 'a.ts', start: 0 });
  });

  it('hasMention matches the whole token only; withoutMention removes every occurrence and its space', () => {
    assert.equal(hasMention('read @a.ts.', 'a.ts'), true);
    assert.equal(hasMention('read @a.tsx', 'a.ts'), false);
    assert.equal(hasMention('mail x@a.ts', 'a.ts'), false);
    assert.equal(hasMention('read @a+b(1).ts now', 'a+b(1).ts'), true, 'regex characters in a token are literal');
    assert.equal(withoutMention('@a.ts and @a.tsx and (@a.ts)', 'a.ts'), 'and @a.tsx and ()');
  });
});
