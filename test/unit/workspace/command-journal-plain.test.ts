// Issue 12: command-made changes in a folder that is not a git repository, journaled through a
// private bare repository beside the run journals (GIT_DIR / GIT_WORK_TREE, git(1) ENVIRONMENT).
// Hostile conditions: commands running at once (each snapshot on its own index copy, the shared
// seed replaced atomically), and a seed index cut short (dropped, hashed afresh).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalCommand } from '../../../server/workspace/command-journal';
import { RunJournal } from '../../../server/workspace/journal';
import { tempDir } from '../../support/server';

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
