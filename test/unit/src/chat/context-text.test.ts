// The chat's @problems and @terminal text (src/chat/context-text.ts). Terminal output arrives through
// VS Code's shell integration (TerminalShellExecution.read(): "raw data (including escape sequences)"),
// so CSI colour codes and OSC 633 markers (VS Code's shell integration protocol) must be stripped.
import assert from 'node:assert/strict';
import { formatDiagnostics, stripAnsi, tail } from '../../../../src/chat/context-text';

describe('src/chat: context text', () => {
  it('stripAnsi removes CSI colours, OSC 633 markers and stray controls, and keeps tabs and newlines', () => {
    const raw = '\u001b]633;C\u0007\u001b[31mFAIL\u001b[0m\tsrc/a.test.ts\r\n\u001b]633;D;1\u001b\\ok\u0008\n';
    assert.equal(stripAnsi(raw), 'FAIL\tsrc/a.test.ts\nok\n');
  });

  it('tail keeps the end, from a line start, and says how much was cut', () => {
    assert.equal(tail('short', 10), 'short');
    const t = tail('line1\nline2\nline3\n', 9);
    assert.equal(t, '[9 earlier characters cut]\nline3\n');
  });

  it('formatDiagnostics lists errors and warnings of workspace files (1-based), skips info/hints and files outside', () => {
    const d = (severity: number, message: string, line: number, extra: object = {}) => ({ severity, message, range: { start: { line, character: 4 } }, ...extra });
    const text = formatDiagnostics(
      [
        ['in', [d(0, "Cannot find name 'x'.\n  more", 2, { source: 'ts', code: 2304 }), d(1, 'unused', 0, { code: { value: 'no-unused' } }), d(2, 'info', 1), d(3, 'hint', 1)]],
        ['out', [d(0, 'elsewhere', 0)]],
      ],
      (u) => (u === 'in' ? 'src/a.ts' : undefined),
    );
    assert.equal(text, "src/a.ts:3:5 error: Cannot find name 'x'. more (ts 2304)\nsrc/a.ts:1:5 warning: unused (no-unused)");
    assert.equal(formatDiagnostics([], () => 'x'), 'No errors or warnings in the workspace.');
  });
});
