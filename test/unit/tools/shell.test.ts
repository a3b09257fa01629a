// Which shell runs run_command, per platform and setting, and how a Windows process tree is
// ended. References: Node's child_process docs (windowsVerbatimArguments, cmd.exe `/d /s /c`
// quoting), `powershell -NoProfile -NonInteractive -Command`, Microsoft's taskkill (/T: the
// process and every child it started; /F: forcefully).
import assert from 'node:assert/strict';
import { shellFor, ShellError, treeKillCommand, type ShellEnv } from '../../../server/tools/shell';

function win(files: string[], env: NodeJS.ProcessEnv = {}): ShellEnv {
  const set = new Set(files.map((f) => f.toLowerCase()));
  return {
    platform: 'win32',
    env: { PATH: 'C:\\Windows\\System32;C:\\Program Files\\PowerShell\\7;C:\\Program Files\\Git\\bin', SystemRoot: 'C:\\Windows', ComSpec: 'C:\\Windows\\System32\\cmd.exe', ProgramFiles: 'C:\\Program Files', ...env },
    exists: (f) => set.has(f.toLowerCase()),
  };
}

const PS5 = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const PWSH = 'C:\\Program Files\\PowerShell\\7\\pwsh.exe';
const GITBASH = 'C:\\Program Files\\Git\\bin\\bash.exe';

describe('run_command shell choice (server/tools/shell.ts)', () => {
  it('POSIX: /bin/sh -c, whatever the default', () => {
    const e: ShellEnv = { platform: 'linux', env: { PATH: '/usr/bin' }, exists: () => true };
    assert.deepEqual(shellFor('npm test', undefined, e), { file: '/bin/sh', args: ['-c', 'npm test'], kind: 'sh' });
    assert.deepEqual(shellFor('npm test', 'auto', e).file, '/bin/sh');
  });

  it('Windows default: PowerShell 7 when installed, else Windows PowerShell, else cmd', () => {
    assert.deepEqual(shellFor('npm test', undefined, win([PWSH, PS5])), { file: PWSH, args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', 'npm test'], kind: 'powershell' });
    assert.equal(shellFor('npm test', undefined, win([PS5])).file, PS5);
    // Not on PATH, found in its fixed place under %SystemRoot%.
    assert.equal(shellFor('x', undefined, win([PS5], { PATH: 'C:\\tools' })).file, PS5);
    const c = shellFor('dir /b', undefined, win([]));
    assert.deepEqual(c, { file: 'C:\\Windows\\System32\\cmd.exe', args: ['/d', '/s', '/c', '"dir /b"'], kind: 'cmd', verbatim: true });
  });

  it('configured: cmd, powershell, Git Bash (never WSL\'s System32\\bash.exe), or a path', () => {
    assert.equal(shellFor('x', 'cmd', win([PWSH])).kind, 'cmd');
    assert.equal(shellFor('x', 'powershell', win([PWSH, PS5])).file, PS5);
    assert.deepEqual(shellFor('ls -la', 'gitbash', win([GITBASH])), { file: GITBASH, args: ['-c', 'ls -la'], kind: 'bash' });
    // Only WSL's bash on PATH: Git Bash is looked for where Git for Windows installs it.
    const wslOnly = win(['C:\\Windows\\System32\\bash.exe', GITBASH], { PATH: 'C:\\Windows\\System32' });
    assert.equal(shellFor('x', 'gitbash', wslOnly).file, GITBASH);
    assert.throws(() => shellFor('x', 'gitbash', win(['C:\\Windows\\System32\\bash.exe'], { PATH: 'C:\\Windows\\System32' })), ShellError);
    assert.equal(shellFor('x', 'D:\\tools\\pwsh.exe', win(['D:\\tools\\pwsh.exe'])).kind, 'powershell');
    assert.equal(shellFor('x', 'D:\\msys\\usr\\bin\\bash.exe', win(['D:\\msys\\usr\\bin\\bash.exe'])).kind, 'bash');
    assert.throws(() => shellFor('x', 'D:\\nope.exe', win([])), /does not exist/);
  });

  it('Windows tree kill: taskkill /pid N /T /F; POSIX uses the process group instead', () => {
    assert.deepEqual(treeKillCommand('win32', 4242, { SystemRoot: 'C:\\Windows' }), { file: 'C:\\Windows\\System32\\taskkill.exe', args: ['/pid', '4242', '/T', '/F'] });
    assert.equal(treeKillCommand('linux', 4242), undefined);
    assert.equal(treeKillCommand('darwin', 4242), undefined);
    assert.throws(() => treeKillCommand('win32', 0), ShellError);
    assert.throws(() => treeKillCommand('win32', -1), ShellError);
  });
});
