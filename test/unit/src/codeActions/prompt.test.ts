import assert from 'node:assert/strict';
import { buildPrompt, clipSelection, lineRange, type SelectionContext } from '../../../../src/codeActions/prompt';

const ctx: SelectionContext = { path: 'src/math.ts', startLine: 3, endLine: 5, languageId: 'typescript', text: 'function add(a, b) {\n  return a - b;\n}\n' };

describe('src/codeActions/prompt', () => {
  it('puts the ask, the file, the line range, the language and the fenced code in the message', () => {
    const p = buildPrompt('explain', ctx);
    assert.match(p, /^Explain what this code does/);
    assert.match(p, /File: `src\/math\.ts` \(lines 3-5, typescript\)/);
    assert.ok(p.includes('```typescript\nfunction add(a, b) {\n  return a - b;\n}\n```'), p);
    assert.ok(!p.includes('Diagnostics'));
  });

  it('lists diagnostics with severity, source and code for the fixes', () => {
    const p = buildPrompt('fixDiagnostic', {
      ...ctx,
      diagnostics: [{ message: "Type 'string' is not assignable to type 'number'.", severity: 'error', source: 'ts', code: 2322, line: 4 }],
    });
    assert.match(p, /^Fix the problem reported below/);
    assert.ok(p.includes("- line 4: error ts 2322: Type 'string' is not assignable to type 'number'."), p);
  });

  it('adds the user instruction and each intent asks for something different', () => {
    assert.match(buildPrompt('refactor', { ...ctx, instruction: ' use reduce ' }), /Instructions: use reduce\n/);
    const asks = new Set((['explain', 'fix', 'refactor', 'tests', 'fixDiagnostic'] as const).map((i) => buildPrompt(i, ctx).split('\n')[0]));
    assert.equal(asks.size, 5);
    assert.match(buildPrompt('tests', ctx), /existing test framework/);
  });

  it('fences code that itself contains backticks with a longer fence, and maps language ids', () => {
    const p = buildPrompt('explain', { ...ctx, languageId: 'typescriptreact', text: 'const md = "```js\\nx\\n```";' });
    assert.ok(p.includes('````tsx\nconst md'), p);
    assert.ok(p.trimEnd().endsWith('````'));
    assert.equal(lineRange({ startLine: 7, endLine: 7 }), 'line 7');
  });

  it('clips huge selections and says so', () => {
    const clipped = clipSelection('x'.repeat(50), 10);
    assert.ok(clipped.startsWith('x'.repeat(10)));
    assert.match(clipped, /40 more characters cut/);
    assert.equal(clipSelection('short', 10), 'short');
  });
});
