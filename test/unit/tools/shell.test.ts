// Which shell runs run_command, per platform and setting, and how a Windows process tree is
// ended. References: Node's child_process docs (windowsVerbatimArguments, cmd.exe `/d /s /c`
// quoting), `powershell -NoProfile -NonInteractive -Command`, Microsoft's taskkill (/T: the
// process and every child it started; /F: forcefully).
import assert from 'node:assert/strict';
import { shellFor, ShellError, treeKillCommand, type ShellEnv } from '../../../server/tools/shell';
import { effectiveShell } from '../../../server/tools/process';

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

  // The whole argv per shell for one awkward line (quotes, &&, a pipe, %VAR%, $var): each shell
  // gets the line as one argument, unchanged, except cmd, whose /s /c "…" strips the outer quotes
  // itself (so Node must pass the arguments verbatim).
  it('argv per shell: the command line is passed unchanged as one argument', () => {
    const line = 'echo "a b" && dir %TEMP% | findstr $x';
    const all = win([PWSH, PS5, GITBASH, 'D:\\bin\\zsh.exe', 'D:\\alt\\cmd.exe']);
    const argv = (setting: string) => {
      const c = shellFor(line, setting, all);
      return [c.file, ...c.args, c.kind, c.verbatim ? 'verbatim' : 'quoted'];
    };
    assert.deepEqual(argv('pwsh'), [PWSH, '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', line, 'powershell', 'quoted']);
    assert.deepEqual(argv('powershell'), [PS5, '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', line, 'powershell', 'quoted']);
    assert.deepEqual(argv('cmd'), ['C:\\Windows\\System32\\cmd.exe', '/d', '/s', '/c', `"${line}"`, 'cmd', 'verbatim']);
    assert.deepEqual(argv('gitbash'), [GITBASH, '-c', line, 'bash', 'quoted']);
    assert.deepEqual(argv('Git-Bash'), [GITBASH, '-c', line, 'bash', 'quoted'], 'names are case-insensitive');
    assert.deepEqual(argv('D:\\bin\\zsh.exe'), ['D:\\bin\\zsh.exe', '-c', line, 'sh', 'quoted']);
    assert.deepEqual(argv('D:\\alt\\cmd.exe'), ['D:\\alt\\cmd.exe', '/d', '/s', '/c', `"${line}"`, 'cmd', 'verbatim']);
    assert.deepEqual(argv('  cmd  '), argv('cmd'), 'surrounding blanks ignored');
    // macOS and Linux: /bin/sh by default, bash on PATH when asked, a path as given.
    const mac: ShellEnv = { platform: 'darwin', env: { PATH: '/usr/local/bin:/bin' }, exists: (f) => f === '/bin/bash' || f === '/usr/local/bin/fish' };
    assert.deepEqual(shellFor(line, undefined, mac), { file: '/bin/sh', args: ['-c', line], kind: 'sh' });
    assert.deepEqual(shellFor(line, 'bash', mac), { file: '/bin/bash', args: ['-c', line], kind: 'bash' });
    assert.deepEqual(shellFor(line, '/usr/local/bin/fish', mac), { file: '/usr/local/bin/fish', args: ['-c', line], kind: 'sh' });
  });

  it('hostile settings: relative paths, drive-relative paths and missing shells are refused by name', () => {
    assert.throws(() => shellFor('x', 'tools\\bash.exe', win(['tools\\bash.exe'])), /not an absolute path/);
    assert.throws(() => shellFor('x', 'C:bash.exe', win(['C:bash.exe'])), /not an absolute path/);
    assert.throws(() => shellFor('x', 'zsh', { platform: 'linux', env: {}, exists: () => true }), /not an absolute path/);
    assert.throws(() => shellFor('x', 'pwsh', win([PS5], { PATH: 'C:\\tools', SystemRoot: '' })), /pwsh was not found/);
    assert.throws(() => shellFor('x', 'gitbash', { platform: 'linux', env: { PATH: '/nowhere' }, exists: () => false }), ShellError);
  });

  it('the setting that applies: the configured one, else SWARMCODE_SHELL, else auto', () => {
    assert.equal(effectiveShell('cmd', { SWARMCODE_SHELL: 'gitbash' }), 'cmd');
    assert.equal(effectiveShell('auto', { SWARMCODE_SHELL: 'gitbash' }), 'gitbash');
    assert.equal(effectiveShell(undefined, { SWARMCODE_SHELL: ' pwsh ' }), 'pwsh');
    assert.equal(effectiveShell('AUTO', {}), 'AUTO');
    assert.equal(effectiveShell(undefined, { SWARMCODE_SHELL: '' }), undefined);
  });
});

