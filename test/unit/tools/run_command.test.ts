// run_command with real child processes: exit codes, timeouts, aborts, process-tree kills.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinTools } from '../../../server/tools';
import { runTool } from '../../../server/tools/runner';
import { makeFixture, never, type Fixture } from './fixture';
import { Sandbox } from '../../../server/sandbox';

const run = (f: Fixture, args: unknown, signal = never) =>
  runTool(builtinTools, { name: 'run_command', arguments: JSON.stringify(args) }, f.ctx, signal);

/** Gone, or a zombie nobody has reaped yet (it no longer runs). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Polls until `pid` is gone (false after 10 s: the kill is sent, but a loaded machine may take a while to run it). */
async function waitGone(pid: number): Promise<boolean> {
  for (const end = Date.now() + 10_000; Date.now() < end; ) {
    if (gone(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return gone(pid);
}

describe('run_command tool', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture({ 'hello.txt': 'hi\n' });
    // Process-tree mechanics seen from the host (pids in pid files): no OS sandbox here; the
    // sandboxed runs are covered in test/security.
    f.ctx.sandbox = new Sandbox(() => ({ sandbox: 'off' }));
  });
  afterEach(() => f.cleanup());

  it('runs in the workspace root after approval, combining stdout and stderr', async () => {
    const r = await run(f, { command: 'cat hello.txt; echo oops >&2; pwd; exit 3' });
    assert.equal(r.ok, true);
    assert.deepEqual(f.approvals, ['cat hello.txt; echo oops >&2; pwd; exit 3']);
    assert.match(r.output, /hi\n/);
    assert.match(r.output, /oops\n/);
    assert.ok(r.output.includes(`${f.dir}\n`));
    assert.match(r.output, /\[exit code 3\]$/);
  });

  it('reports when the user declines, without running anything', async () => {
    const declined = await makeFixture({}, false);
    try {
      const r = await runTool(builtinTools, { name: 'run_command', arguments: JSON.stringify({ command: 'touch ran.txt' }) }, declined.ctx, never);
      assert.equal(r.ok, false);
      assert.match(r.output, /not run: the user declined it\.\nCommand: touch ran.txt/);
      assert.equal(fs.existsSync(path.join(declined.dir, 'ran.txt')), false);
    } finally {
      await declined.cleanup();
    }
  });

  it('kills the whole tree on timeout, including a grandchild that ignores SIGTERM', async () => {
    const pidFile = path.join(f.dir, 'gc.pid');
    const r = await run(f, {
      command: `sh -c 'trap "" TERM; sleep 30' & echo $! > gc.pid; echo started; wait`,
      // Room for the shell to start the grandchild and say so first on a loaded machine.
      timeout_ms: 1500,
    });
    assert.equal(r.ok, true);
    assert.match(r.output, /started\n/);
    assert.match(r.output, /\[timed out after 1500 ms; the process tree was killed\]/);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.ok(pid > 0);
    assert.ok(await waitGone(pid), `grandchild ${pid} still running`);
  });

  it('stops background processes left behind when the command exits', async () => {
    const r = await run(f, { command: 'sleep 30 & echo $! > bg.pid; echo done' });
    assert.match(r.output, /done\n\[exit code 0\]\n\[processes it left running in the background were stopped\]/);
    const pid = Number(fs.readFileSync(path.join(f.dir, 'bg.pid'), 'utf8'));
    assert.ok(await waitGone(pid), `background ${pid} still running`);
  });

  it('abort rejects with AbortError and kills the tree', async () => {
    const ac = new AbortController();
    const p = run(f, { command: 'sleep 30 & echo $! > ab.pid; wait' }, ac.signal);
    const pidFile = path.join(f.dir, 'ab.pid');
    // The abort must come once the background child runs (its pid is written).
    const written = () => fs.existsSync(pidFile) && /^\d+\n$/.test(fs.readFileSync(pidFile, 'utf8'));
    for (const end = Date.now() + 10_000; Date.now() < end && !written(); ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.ok(await waitGone(pid), `child ${pid} still running after abort`);
  });

  it('an abort that lands before the command starts (during the journal snapshot) runs nothing', async () => {
    // The run's cancel can arrive while run_command snapshots the workspace for its journal, after
    // the approval and before the spawn: the command must not start and then run to its end.
    const ac = new AbortController();
    const ws = f.ctx.workspace as unknown as { journalCommand?: <T>(fn: () => Promise<T>) => Promise<{ value: T; changed: string[] }> };
    ws.journalCommand = async (fn) => {
      ac.abort();
      return { value: await fn(), changed: [] };
    };
    await assert.rejects(run(f, { command: 'touch ran.txt; sleep 30' }, ac.signal), { name: 'AbortError' });
    assert.equal(fs.existsSync(path.join(f.dir, 'ran.txt')), false);
  });

  it('reports a signal death and caps huge output keeping head and tail', async () => {
    const killed = await run(f, { command: 'kill -KILL $$' });
    assert.match(killed.output, /\(no output\)\n\[killed by SIGKILL\]/);
    const big = await run(f, { command: 'echo FIRST; head -c 3000000 /dev/zero | tr "\\0" x; echo; echo LAST' });
    assert.ok(big.output.length <= 30_000, `length ${big.output.length}`);
    assert.match(big.output, /^FIRST\n/);
    assert.match(big.output, /\[… [\d,]+ characters cut …\]/);
    assert.match(big.output, /LAST\n\[exit code 0\]$/);
  });

  it('rejects a timeout out of range as bad arguments', async () => {
    const r = await run(f, { command: 'true', timeout_ms: 0 });
    assert.equal(r.ok, false);
    assert.match(r.output, /Invalid arguments for run_command[\s\S]*timeout_ms/);
    assert.deepEqual(f.approvals, []);
  });

  describe('the shell setting (swarmcode.shell / --shell / SWARMCODE_SHELL)', () => {
    const prevEnv = process.env.SWARMCODE_SHELL;
    afterEach(() => {
      if (prevEnv === undefined) delete process.env.SWARMCODE_SHELL;
      else process.env.SWARMCODE_SHELL = prevEnv;
    });
    // $BASH_VERSION is set by bash only: it tells which shell ran the line.
    const probe = { command: 'echo "bash=[$BASH_VERSION]"' };

    it('a path to bash runs the command through bash; auto and sh through /bin/sh', async function () {
      if (!fs.existsSync('/bin/bash') || fs.realpathSync('/bin/sh').endsWith('bash')) this.skip();
      f.ctx.sandbox = new Sandbox(() => ({ sandbox: 'off', shell: '/bin/bash' }));
      assert.match((await run(f, probe)).output, /bash=\[\d/);
      for (const shell of ['auto', 'sh', undefined]) {
        f.ctx.sandbox = new Sandbox(() => ({ sandbox: 'off', shell }));
        assert.match((await run(f, probe)).output, /bash=\[\]/, String(shell));
      }
      // Unset or auto: the server's SWARMCODE_SHELL decides; a configured shell wins over it.
      process.env.SWARMCODE_SHELL = '/bin/bash';
      f.ctx.sandbox = new Sandbox(() => ({ sandbox: 'off', shell: 'auto' }));
      assert.match((await run(f, probe)).output, /bash=\[\d/);
      f.ctx.sandbox = new Sandbox(() => ({ sandbox: 'off', shell: 'sh' }));
      assert.match((await run(f, probe)).output, /bash=\[\]/);
    });

    it('a missing or relative shell: a clear tool error, nobody is asked, nothing runs', async () => {
      for (const shell of ['/nonexistent/bash', 'bin/zsh', 'C:\\Windows\\System32\\cmd.exe']) {
        f.ctx.sandbox = new Sandbox(() => ({ sandbox: 'off', shell }));
        f.approvals.length = 0;
        const r = await run(f, { command: 'touch ran.txt' });
        assert.equal(r.ok, false, shell);
        assert.match(r.output, /configured shell .* (does not exist|not an absolute path)[\s\S]*Nothing was run/, shell);
        assert.deepEqual(f.approvals, [], 'not offered for approval');
        assert.equal(fs.existsSync(path.join(f.dir, 'ran.txt')), false);
      }
    });
  });
});

