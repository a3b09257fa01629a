// Issue 12: command-made changes in a folder that is not a git repository, journaled through a
// private bare repository beside the run journals (GIT_DIR / GIT_WORK_TREE, git(1) ENVIRONMENT).
// Hostile conditions: commands running at once (each snapshot on its own index copy, the shared
// seed replaced atomically), and a seed index cut short (dropped, hashed afresh).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalCommand } from '../../../server/workspace/command-journal';
import { RunJournal } from '../../../server/workspace/journal';
import { tempDir, usePrivateJournalDir } from '../../support/server';
import { createWorkspace, EditorDocuments } from '../../../server/workspace';
import { pruneSnapshots } from '../../../server/workspace/snapshot-repo';

describe('workspace/command-journal outside git', function () {
  this.timeout(30_000);
  let ws: ReturnType<typeof tempDir>;
  let store: ReturnType<typeof tempDir>;
  beforeEach(() => {
    ws = tempDir();
    store = tempDir();
    writeFileSync(join(ws.path, 'a.txt'), 'a\n');
  });
  afterEach(() => {
    ws.cleanup();
    store.cleanup();
  });

  const journal = (run: string) => RunJournal.create(join(store.path, 'root-hash', run), ws.path, run, 'task');

  it('journals the changes of commands that run at once, each its own', async () => {
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        journalCommand(ws.path, journal(`r${i}`), async () => {
          await new Promise((r) => setTimeout(r, 20 * i));
          writeFileSync(join(ws.path, `made-${i}.txt`), `${i}\n`);
        }),
      ),
    );
    // Each saw at least its own file (a file another command made meanwhile may show up too: the
    // snapshots cover the whole folder, docs/protocol.md says so).
    results.forEach((r, i) => assert.ok(r.changed.includes(`made-${i}.txt`), JSON.stringify(r)));
    assert.ok(existsSync(join(store.path, 'root-hash', '.command-snapshots.git', 'index')), 'the seed index is kept');
    assert.deepEqual(readdirSync(join(store.path, 'root-hash', '.command-snapshots.git')).filter((n) => n.endsWith('.tmp')), [], 'no seed copies left behind');
    assert.ok(!existsSync(join(ws.path, '.git')));
  });

  it('hashes afresh when the kept seed index is corrupt', async () => {
    await journalCommand(ws.path, journal('first'), async () => writeFileSync(join(ws.path, 'b.txt'), 'b\n'));
    writeFileSync(join(store.path, 'root-hash', '.command-snapshots.git', 'index'), 'DIRC garbage');
    const r = await journalCommand(ws.path, journal('second'), async () => writeFileSync(join(ws.path, 'a.txt'), 'changed\n'));
    assert.deepEqual(r.changed, ['a.txt']);
    assert.equal(r.untracked, undefined);
  });
});

// The private repository's pruning (snapshot-repo.ts; git-prune(1)): never while a command of a
// live process is snapshotting there (its in-flight marker), run once the last one ends; a marker
// left by a dead process does not block it; a workspace opening (server start) prunes too.
describe('workspace/snapshot-repo pruning', function () {
  this.timeout(30_000);
  usePrivateJournalDir('snapshot-repo-');
  let ws: ReturnType<typeof tempDir>;
  beforeEach(() => {
    ws = tempDir();
    writeFileSync(join(ws.path, 'a.txt'), 'a\n');
  });
  afterEach(() => ws.cleanup());

  const gitIn = (repo: string, ...args: string[]) => execFileSync('git', args, { env: { ...process.env, GIT_DIR: repo }, encoding: 'utf8' });
  const loose = (repo: string) => Number(/^count: (\d+)$/m.exec(gitIn(repo, 'count-objects', '-v'))![1]);
  function age(repo: string): void {
    const old = new Date(Date.now() - 3600_000);
    const objects = join(repo, 'objects');
    for (const d of readdirSync(objects).filter((n) => /^[0-9a-f]{2}$/.test(n))) for (const f of readdirSync(join(objects, d))) utimesSync(join(objects, d, f), old, old);
  }
  async function below(repo: string, than: number): Promise<number> {
    for (let i = 0; i < 200 && loose(repo) >= than; i++) await new Promise((r) => setTimeout(r, 50));
    return loose(repo);
  }
  /** A workspace with one run whose commands left garbage (aged) in its private repository. */
  async function withGarbage() {
    const run = (await createWorkspace(ws.path, new EditorDocuments())).forRun!('prune-run', 'task');
    for (const n of [1, 2, 3]) await run.journalCommand!(async () => writeFileSync(join(ws.path, 'a.txt'), `${n}\n`.repeat(n * 50)));
    // journal-store.ts: <base>/<sha256 of the real root, 16 hex>/
    const repo = join(process.env.SWARMCODE_JOURNAL_DIR!, createHash('sha256').update(realpathSync(ws.path)).digest('hex').slice(0, 16), '.command-snapshots.git');
    assert.ok(existsSync(repo));
    age(repo);
    return { run, repo, count: loose(repo) };
  }

  it('is put off while a command is in flight and runs when it ends', async () => {
    const { run, repo, count } = await withGarbage();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const cmd = run.journalCommand!(async () => {
      started();
      await gate;
      writeFileSync(join(ws.path, 'a.txt'), 'last\n');
    });
    await inFlight;
    assert.equal(await pruneSnapshots(repo), false, 'put off');
    assert.ok(loose(repo) >= count, 'nothing pruned while the command snapshots');
    release();
    const r = await cmd;
    assert.deepEqual(r.changed, ['a.txt']);
    assert.ok((await below(repo, count)) < count, 'the put-off prune ran after the command');
  });

  it('a marker left by a dead process does not block it; opening the workspace prunes', async () => {
    const { repo, count } = await withGarbage();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    mkdirSync(join(repo, 'swarmcode-commands'), { recursive: true });
    writeFileSync(join(repo, 'swarmcode-commands', `${dead}-1`), '');
    await createWorkspace(ws.path, new EditorDocuments());
    assert.ok((await below(repo, count)) < count);
    assert.deepEqual(readdirSync(join(repo, 'swarmcode-commands')), [], 'the dead marker is removed');
  });
});
