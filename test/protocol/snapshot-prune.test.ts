// The private bare repository that snapshots a non-git workspace for the command journal (GIT_DIR
// + GIT_WORK_TREE, git(1) ENVIRONMENT) is pruned once runs are decided: swarm/reject and
// swarm/accept start a `git prune` (git-prune(1): unreachable loose objects older than --expire
// go; objects named by the index stay) in the background. Loose objects are counted with
// `git count-objects -v` ("count:"). The objects are dated an hour back first, as snapshots of
// commands that finished a while ago are (a prune keeps what was written in its last second).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AcceptRequest, ChangesRequest, RejectRequest } from '../../server/protocol';
import { script, type Turn } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

const run = (command: string): Turn => ({ toolCalls: [{ name: 'run_command', arguments: { command } }] });

function snapshotRepo(): string {
  const base = process.env.SWARMCODE_JOURNAL_DIR!;
  const [hash] = readdirSync(base).filter((n) => /^[0-9a-f]{16}$/.test(n));
  return join(base, hash, '.command-snapshots.git');
}

const gitIn = (repo: string, ...args: string[]) => execFileSync('git', args, { env: { ...process.env, GIT_DIR: repo }, encoding: 'utf8' });
const looseObjects = (repo: string) => Number(/^count: (\d+)$/m.exec(gitIn(repo, 'count-objects', '-v'))![1]);

/** Every loose object dated an hour back. */
function age(repo: string): void {
  const old = new Date(Date.now() - 3600_000);
  const objects = join(repo, 'objects');
  for (const d of readdirSync(objects).filter((n) => /^[0-9a-f]{2}$/.test(n))) for (const f of readdirSync(join(objects, d))) utimesSync(join(objects, d, f), old, old);
}

/** Waits (bounded) until the repository holds fewer loose objects than `than`. */
async function prunedBelow(repo: string, than: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const n = looseObjects(repo);
    if (n < than) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
  return looseObjects(repo);
}

/** Each object the seed index names is still there (the next command's snapshot starts from it). */
function seedIntact(repo: string): void {
  for (const line of gitIn(repo, 'ls-files', '-s').split('\n').filter(Boolean)) gitIn(repo, 'cat-file', '-e', line.split(/\s+/)[1]);
}

describe('protocol: the private snapshot repository is pruned after accept and reject', function () {
  this.timeout(60_000);
  usePrivateJournalDir('snapshot-prune-');
  const ctx = useSimServer();
  beforeEach(() => {
    writeFileSync(join(ctx.ws.path, 'a.txt'), 'a\n');
  });

  it('reject, then accept: the loose objects of decided runs go, the seed index keeps its objects, the next run is journaled', async () => {
    const { server } = await ctx.start({
      respond: script([
        run('seq 1 300 > big.txt && echo 1 > a.txt'),
        run('seq 2 400 > big.txt && echo 2 > a.txt'),
        run('seq 3 500 > big.txt && echo 3 > a.txt'),
        { text: 'done' },
        run('echo 4 > a.txt && echo b > b.txt'),
        { text: 'done' },
      ]),
    }, { approval: 'always' });
    const first = await server.run({ task: 'three commands' });
    assert.equal(first.status, 'done', first.error);
    const repo = snapshotRepo();
    const afterRun = looseObjects(repo);
    age(repo);
    await server.connection.sendRequest(RejectRequest, { runId: first.runId });
    const afterReject = await prunedBelow(repo, afterRun);
    assert.ok(afterReject < afterRun, `loose objects: ${afterRun} after the run, ${afterReject} after reject`);
    seedIntact(repo);

    const second = await server.run({ task: 'one more' });
    assert.equal(second.status, 'done', second.error);
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: second.runId, withContent: false });
    assert.deepEqual(changes.files.map((f) => `${f.path} ${f.change}`).sort(), ['a.txt modified', 'b.txt added'], 'the seed left by the prune still snapshots');
    const afterSecond = looseObjects(repo);
    assert.ok(afterSecond > afterReject);
    age(repo);
    await server.connection.sendRequest(AcceptRequest, { runId: second.runId });
    const afterAccept = await prunedBelow(repo, afterSecond);
    assert.ok(afterAccept < afterSecond, `loose objects: ${afterSecond} after the second run, ${afterAccept} after accept`);
    seedIntact(repo);
  });
});
