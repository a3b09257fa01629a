// Cost of journaling a command's file changes (server/workspace/command-journal.ts), on copies of
// this repository: a command run plainly vs inside journalCommand (two private-index trees of the
// workspace), in a git clone (index seeded from the user's) and in the same files without .git
// (a private bare repository, its index kept between commands; the first command of a folder
// hashes every file). Commands: a no-op, and one that changes 10 files. For comparison, the fixed
// cost of the overlay alternative (a user+mount namespace with an overlayfs over the workspace,
// where the kernel allows it; bubblewrap here may lack --overlay-src) around the no-op. Last, one
// prune of the private repository after those commands (snapshot-repo.ts), objects aged an hour.
// Run: node --import tsx bench/command-journal/index.ts
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { journalCommand } from '../../server/workspace/command-journal';
import { RunJournal } from '../../server/workspace/journal';
import { pruneSnapshots } from '../../server/workspace/snapshot-repo';

const N = 10;

async function time(fn: (i: number) => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[N >> 1];
}

function overlayMs(root: string, tmp: string): string {
  const up = join(tmp, 'up');
  const work = join(tmp, 'work');
  const once = () => {
    rmSync(up, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    mkdirSync(up);
    mkdirSync(work);
    execFileSync('unshare', ['-Urm', 'sh', '-c', `mount -t overlay overlay -o lowerdir=${root},upperdir=${up},workdir=${work} ${root} && cd ${root} && true`], { stdio: 'ignore' });
  };
  try {
    once();
  } catch {
    return 'n/a (no overlayfs in a user namespace here)';
  }
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    once();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[N >> 1].toFixed(1);
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'swarmcode-bench-cj-'));
  try {
    const gitRoot = join(tmp, 'ws');
    execFileSync('git', ['clone', '-q', resolve(__dirname, '../..'), gitRoot]);
    const plainRoot = join(tmp, 'plain');
    mkdirSync(plainRoot);
    execFileSync('sh', ['-c', `git -C ${gitRoot} archive HEAD | tar -x -C ${plainRoot}`]);
    const files = execFileSync('git', ['ls-files'], { cwd: gitRoot, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    const noop = async () => execFileSync('/bin/sh', ['-c', 'true']);
    const tenFiles = (root: string) => async (i: number) => {
      for (let k = 0; k < 10; k++) writeFileSync(join(root, `bench-${k}.txt`), `run ${i}\n`);
    };
    const rows: string[][] = [];
    let pruned = '';
    for (const [kind, root] of [['git clone', gitRoot], ['no .git', plainRoot]] as const) {
      const j = RunJournal.create(join(tmp, 'journals', kind.replace(/\W/g, ''), 'bench'), root, 'bench', 'bench');
      let first = 0;
      if (kind === 'no .git') {
        const t = performance.now();
        await journalCommand(root, j, noop);
        first = performance.now() - t;
      }
      const plain = await time(noop);
      const journaled = await time(() => journalCommand(root, j, noop));
      const changed = await time((i) => journalCommand(root, j, () => tenFiles(root)(i)));
      rows.push([kind, String(files), plain.toFixed(1), journaled.toFixed(1), changed.toFixed(1), kind === 'no .git' ? first.toFixed(1) : '(user index)']);
      if (kind === 'no .git') pruned = await pruneOnce(join(tmp, 'journals', 'nogit', '.command-snapshots.git'), journaled);
    }
    console.log('| workspace | files | plain no-op p50 ms | journaled no-op p50 ms | journaled, 10 files changed p50 ms | first command in the folder ms |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    console.log(`\n${pruned}`);
    console.log(`\noverlay alternative, fixed cost around the no-op (unshare -Urm + mount -t overlay), p50 ms: ${overlayMs(plainRoot, tmp)}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function pruneOnce(repo: string, noopP50: number): Promise<string> {
  const loose = () => /^count: (\d+)$/m.exec(execFileSync('git', ['count-objects', '-v'], { env: { ...process.env, GIT_DIR: repo }, encoding: 'utf8' }))![1];
  const before = loose();
  execFileSync('find', [join(repo, 'objects'), '-type', 'f', '-exec', 'touch', '-d', '1 hour ago', '{}', '+']);
  const t = performance.now();
  const ran = await pruneSnapshots(repo);
  const ms = performance.now() - t;
  return `prune of the private repository after ${2 * N + 1} commands${ran ? '' : ' (put off!)'}: ${before} → ${loose()} loose objects, ${ms.toFixed(1)} ms (journaled no-op p50 in the same run: ${noopP50.toFixed(1)} ms)`;
}

void main();
