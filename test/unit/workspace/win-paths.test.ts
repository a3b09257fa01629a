// Windows path rules, tested with path.win32 on any OS. Reference: Microsoft, "Naming Files,
// Paths, and Namespaces" (reserved names, trailing dots/spaces, drive-relative paths, UNC,
// \\?\ and \\.\ namespaces, case-insensitivity); NTFS alternate data streams (`file:stream`).
import assert from 'node:assert/strict';
import { win32 } from 'node:path';
import { resolveWindowsPath, windowsInside, windowsNameProblem } from '../../../server/workspace/win-paths';

const ROOT = 'C:\\Users\\Ann\\repo';
const ok = (input: string) => {
  const r = resolveWindowsPath(ROOT, input, win32);
  assert.ok(r.ok, `${input}: ${!r.ok && r.reason}`);
  return r.path;
};
const refused = (input: string, why: RegExp, root = ROOT) => {
  const r = resolveWindowsPath(root, input, win32);
  assert.ok(!r.ok, `${input} should be refused`);
  assert.match(r.reason, why, input);
};

describe('workspace: Windows path rules (path.win32)', () => {
  it('backslashes and forward slashes are both separators', () => {
    assert.equal(ok('src\\a.ts'), 'C:\\Users\\Ann\\repo\\src\\a.ts');
    assert.equal(ok('src/a.ts'), 'C:\\Users\\Ann\\repo\\src\\a.ts');
    assert.equal(ok('.\\src/../src\\a.ts'), 'C:\\Users\\Ann\\repo\\src\\a.ts');
    assert.equal(ok('.'), 'C:\\Users\\Ann\\repo');
  });

  it('drive letters and names compare case-insensitively', () => {
    assert.equal(ok('c:\\users\\ann\\REPO\\src\\a.ts'), 'C:\\Users\\Ann\\repo\\src\\a.ts');
    assert.equal(windowsInside(ROOT, 'c:/USERS/ann/repo', win32), true);
    // A sibling whose name only starts like the root is outside.
    assert.equal(windowsInside(ROOT, 'C:\\Users\\Ann\\repo-other\\x', win32), false);
  });

  it('other drives, .. escapes and drive-relative paths are refused', () => {
    refused('D:\\repo\\a.ts', /absolute path outside/);
    refused('..\\..\\secrets.txt', /outside the workspace through/);
    refused('src\\..\\..\\x', /outside/);
    refused('C:secrets.txt', /drive-relative/);
    refused('\\Windows\\System32\\drivers\\etc\\hosts', /outside/); // root of the current drive
  });

  it('UNC paths: another share is outside; inside a UNC workspace, its own share is fine', () => {
    refused('\\\\server\\share\\x.txt', /network \(UNC\) path/);
    const unc = '\\\\fileserver\\team\\repo';
    assert.deepEqual(resolveWindowsPath(unc, 'src\\a.ts', win32), { ok: true, path: '\\\\fileserver\\team\\repo\\src\\a.ts' });
    assert.deepEqual(resolveWindowsPath(unc, '\\\\FILESERVER\\Team\\repo\\b.ts', win32), { ok: true, path: '\\\\fileserver\\team\\repo\\b.ts' });
    refused('\\\\fileserver\\other\\repo\\b.ts', /UNC/, unc);
    refused('..\\x', /outside/, unc);
  });

  it('device and long-path namespaces are refused', () => {
    refused('\\\\?\\C:\\Users\\Ann\\repo\\a.ts', /namespace/);
    refused('\\\\.\\PhysicalDrive0', /namespace/);
    refused('//?/C:/x', /namespace/);
  });

  it('reserved device names, with or without an extension, in any folder and any case', () => {
    for (const name of ['CON', 'nul', 'nul.txt', 'src\\aux.ts', 'COM1', 'lpt9.log', 'Prn', 'conin$', 'NUL .txt']) refused(name, /reserved device name/);
    for (const name of ['console.ts', 'null.js', 'com10.txt', 'auxiliary\\x.ts', 'connect.ts']) ok(name);
  });

  it('trailing dots and spaces, streams and forbidden characters are refused', () => {
    refused('notes.', /dot or space/);
    refused('src \\a.ts', /dot or space/);
    refused('a.ts:Zone.Identifier', /alternate data stream/);
    refused('a.ts::$DATA', /alternate data stream/);
    for (const bad of ['a<b.ts', 'a|b', 'what?.md', 'star*.ts', 'q"uote']) refused(bad, /not allow/);
    assert.equal(windowsNameProblem('C:\\Users\\Ann\\repo\\ok.ts', win32), undefined);
  });
});
