// @-mentions in free text (the CLI's task). Conventions: Cline / Roo (`@/path`, `@git-changes`),
// Claude Code (`@path` in the prompt attaches the file); an e-mail address is not a mention.
import assert from 'node:assert/strict';
import { parseMentions } from '../../../server/attachments/parse';

describe('attachments: parseMentions', () => {
  it('finds @path and @git at the start, after spaces and brackets, without trailing punctuation', () => {
    const r = parseMentions('@src/a.ts explain (see @docs/x.md), then @git.');
    assert.deepEqual(r.attachments, [{ kind: 'path', path: 'src/a.ts' }, { kind: 'path', path: 'docs/x.md' }, { kind: 'git' }]);
    assert.equal(r.text, '@src/a.ts explain (see @docs/x.md), then @git.');
  });

  it('does not take e-mail addresses, user@host or a lone @ for mentions', () => {
    for (const text of ['mail a@b.com about it', 'ssh root@example.org', 'an @ sign', 'x@y', '@@']) {
      assert.deepEqual(parseMentions(text).attachments, [], text);
    }
  });

  it('\\@word is a literal @word and attaches nothing', () => {
    const r = parseMentions('add \\@types/node and read @a.txt');
    assert.equal(r.text, 'add @types/node and read @a.txt');
    assert.deepEqual(r.attachments, [{ kind: 'path', path: 'a.txt' }]);
  });

  it('lists a path mentioned twice once', () => {
    assert.deepEqual(parseMentions('@a.txt and @a.txt').attachments, [{ kind: 'path', path: 'a.txt' }]);
  });
});
