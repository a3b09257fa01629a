// Hidden characters made visible for approvals (webview/visible.ts).
// References: Unicode TR9 bidi controls (U+202A–U+202E, U+2066–U+2069), CVE-2021-42574
// "Trojan Source"; ECMA-48 C0/C1 control functions.
import assert from 'node:assert/strict';
import { hasHidden, segments, visible } from '../../../webview/visible';

describe('webview/visible', () => {
  it('escapes C0/C1 controls, DEL, bidi overrides and isolates, zero-width characters', () => {
    assert.equal(visible('a\x1b[31mb\rc\x00d\x7fe\x9bf'), 'a\\x1b[31mb\\rc\\0d\\x7fe\\x9bf');
    assert.equal(visible('x\u202ey\u2066z\u200bw\ufeffv\u2028'), 'x\\u202ey\\u2066z\\u200bw\\ufeffv\\u2028');
    assert.equal(visible('a\nb', { keepNewlines: true }), 'a\\n\nb');
    assert.equal(visible('ünïcødé 😀 日本'), 'ünïcødé 😀 日本', 'ordinary text and emoji stay');
    assert.equal(visible('\ud800x'), '\\ud800x', 'a lone surrogate is shown');
  });

  it('tells hidden characters apart from a literal backslash', () => {
    assert.deepEqual(segments('echo \\x1b \x1b'), [{ text: 'echo \\x1b ', hidden: false }, { text: '\\x1b', hidden: true }]);
    assert.equal(hasHidden('echo \\x1b'), false);
    assert.equal(hasHidden('a\nb'), true);
    assert.equal(hasHidden('a\nb', true), false);
    assert.deepEqual(segments('{\n  "a": 1\n}', 'plain'), [{ text: '{\n  "a": 1\n}', hidden: false }]);
  });
});
