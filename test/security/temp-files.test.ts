// Issue 11, finding 9: a server SIGKILLed between writing a temp file and renaming it leaves
// `.NAME.swarmcode-PID-HEX.tmp` in the workspace; the next server start removes it, and restoring
// the interrupted run removes the folders the run created (the temp file no longer blocks rmdir).
// Real spawned dist/server.js, real simulator (OpenAI wire protocol), real signals: a second
// process watches for the temp file, stops the server with SIGSTOP while it exists, then SIGKILLs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointsRequest, RejectRequest, RunRequest } from '../../server/protocol';
import { script } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

// Polls `dir` for a temp file; SIGSTOPs `pid` when one shows, waits until /proc shows every thread
// stopped, SIGKILLs it if the file is still there (else SIGCONT and go on). Prints the caught name.
const CATCHER = `
const fs = require('node:fs');
const [dir, pid] = [process.argv[1], Number(process.argv[2])];
const end = Date.now() + 180000;
function allStopped() {
  try {
    return fs.readdirSync('/proc/' + pid + '/task').every((t) => {
      const stat = fs.readFileSync('/proc/' + pid + '/task/' + t + '/stat', 'utf8');
      return /^[Tt]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
    });
  } catch { return false; }
}
while (Date.now() < end) {
  let names = [];
  try { names = fs.readdirSync(dir); } catch {}
  const tmp = names.find((n) => /\\.swarmcode-\\d+-[0-9a-f]{8}\\.tmp$/.test(n));
  if (!tmp) continue;
  process.kill(pid, 'SIGSTOP');
  // kill() returns before the stop takes effect: a thread inside rename(2) finishes it first. Look
  // only once every thread of the server reports state T (stopped) in /proc.
  const settle = Date.now() + 5000;
  while (Date.now() < settle && !allStopped()) {}
  if (fs.existsSync(dir + '/' + tmp)) { process.kill(pid, 'SIGKILL'); console.log(tmp); process.exit(0); }
  process.kill(pid, 'SIGCONT');
}
process.exit(2);`;

function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(dir, join(rel, e.name)) : [join(rel, e.name)]));
}

describe('security: temp files after a SIGKILL', function () {
  this.timeout(240_000);
  const ctx = useSimServer({ settings: { model: 'kimi-k2.5', approval: 'always', swarm: false } });
  usePrivateJournalDir('swarm-tmpfiles-journals-');

  it('a restarted server removes the temp file, and restore removes the folders the run created', async () => {
    writeFileSync(join(ctx.ws.path, 'keep.txt'), 'keep\n');
    // Tool calls stay small (the model's output cap and window are enforced by the simulator):
    // the file grows to ~8 MB through replace_all edits, then each edit rewrites all of it, so
    // each write's temp file exists long enough to be seen.
    const edit = (from: string, to: string) => ({ toolCalls: [{ name: 'edit_file', arguments: { path: 'made/deep/big.txt', old_string: from, new_string: to, replace_all: true } }] });
    // Many chances on a loaded machine: the catcher stops the server at the first temp file it sees.
    const flips = Array.from({ length: 40 }, (_, i) => (i % 2 ? edit('b', 'a') : edit('a', 'b')));
    const turns = [{ toolCalls: [{ name: 'write_file', arguments: { path: 'made/deep/big.txt', content: 'a'.repeat(1000) } }] }, edit('a', 'a'.repeat(64)), edit('a', 'a'.repeat(64)), edit('a', 'aa'), ...flips];
    const sim = await ctx.startSim({ respond: script([...turns, { text: 'never finishes', latency: { ttftMs: 120_000 } }]) });
    const s1 = await ctx.startServer();
    const catcher = spawn(process.execPath, ['-e', CATCHER, join(ctx.ws.path, 'made/deep'), String(s1.child.pid)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let caught = '';
    catcher.stdout!.setEncoding('utf8').on('data', (d: string) => (caught += d));
    void s1.connection.sendRequest(RunRequest, { runId: 'killed-mid-write', task: 'write big files' }).catch(() => undefined);
    const code = await new Promise<number | null>((r) => catcher.once('exit', r));
    assert.equal(code, 0, `the catcher saw a temp file and killed the server while it existed (files: ${walk(ctx.ws.path).join(', ')}; model requests: ${sim.requests?.length}; tool results: ${sim.requests.at(-1)?.body.messages.filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content).slice(0, 200)).join(' | ')}; stderr: ${s1.stderr?.join('').slice(-1000)})`);
    await s1.exited;
    const tmp = caught.trim();
    assert.ok(existsSync(join(ctx.ws.path, 'made/deep', tmp)), `the SIGKILL left ${tmp} behind`);

    const s2 = await ctx.startServer();
    assert.deepEqual(walk(ctx.ws.path).filter((f) => f.endsWith('.tmp')), [], 'the restarted server removed the temp file');
    const offer = (await s2.connection.sendRequest(CheckpointsRequest, {})).checkpoints.find((c) => c.runId === 'killed-mid-write');
    assert.equal(offer?.state, 'interrupted');
    const rej = await s2.connection.sendRequest(RejectRequest, { runId: 'killed-mid-write' });
    assert.deepEqual(rej.skipped, []);
    assert.ok(!existsSync(join(ctx.ws.path, 'made')), 'the folders the run created are gone');
    assert.deepEqual(walk(ctx.ws.path), ['keep.txt']);
    assert.equal(readFileSync(join(ctx.ws.path, 'keep.txt'), 'utf8'), 'keep\n');
  });
});
