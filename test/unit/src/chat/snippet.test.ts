import assert from 'node:assert/strict';
import { selectionSnippet } from '../../../../src/chat/snippet';

// A fenced block per CommonMark §4.5: the closing fence must be at least as long as the opening
// one, and a fence cannot be closed by a shorter backtick run inside the code.
describe('chat: selection snippet', () => {
  it('names the file and lines and fences the code', () => {
    assert.equal(selectionSnippet('src/a.ts', 'typescript', 3, 5, 'a\nb\nc\n'), 'src/a.ts:3-5\n```typescript\na\nb\nc\n```\n');
    assert.equal(selectionSnippet('a.py', 'python', 7, 7, 'x = 1'), 'a.py:7\n```python\nx = 1\n```\n');
  });

  it('uses a longer fence than any backtick run in the selection', () => {
    const code = 'const md = "```js\\n````\\n";';
    const out = selectionSnippet('m.ts', 'typescript', 1, 1, code);
    assert.ok(out.startsWith('m.ts:1\n`````typescript\n'));
    assert.ok(out.endsWith('\n`````\n'));
  });
});
