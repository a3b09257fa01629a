// Checkpoint cost and edit throughput.   npx tsx bench/checkpoint/index.ts
// 1. A run touching 20 files in a tree of >= 50,000 files (this project's node_modules, hard-linked
//    twice, without the 669 MB of prebuilt llama.cpp binaries, plus 1,000 source files; `git init` +
//    commit): the checkpoint journal vs a shadow-git snapshot of the same tree, in the same run.
// 2. Edit throughput through the edit engine with 1, 8 and 32 concurrent writers on 8 shared files.
// Env: BENCH_COPIES=2  BENCH_TOUCH=20  BENCH_EDITS=640  BENCH_KEEP=1 (keep the temp tree)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createWorkspace, EditorDocuments, rejectChanges, type Workspace } from '../../server/workspace';
import { journalStoreFor } from '../../server/workspace/journal-store';
import { ToolError } from '../../server/tools/types';
import { fmt, percentile, printTable } from '../table';

const ROOT = path.resolve(__dirname, '../..');
const COPIES = Number(process.env.BENCH_COPIES ?? 2);
const TOUCH = Number(process.env.BENCH_TOUCH ?? 20);
const EDITS = Number(process.env.BENCH_EDITS ?? 640);

const sh = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 }).toString();
const git = (args: string[], cwd?: string) => sh('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], cwd);
const duBytes = (p: string) => Number(sh('du', ['-sb', p]).split('\t')[0]);
const mb = (b: number) => `${fmt(b / 1048576, 1)} MB`;
const ms = (t: number) => `${fmt(t, 0)} ms`;
async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

async function buildTree(dir: string): Promise<number> {
  for (let c = 0; c < COPIES; c++) {
    sh('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(dir, `nm-${c}`)]);
    await fs.rm(path.join(dir, `nm-${c}`, '@node-llama-cpp'), { recursive: true, force: true });
  }
  await fs.mkdir(path.join(dir, 'src'));
  for (let i = 0; i < 1000; i++) await fs.writeFile(path.join(dir, 'src', `m${i}.ts`), `export const v${i} = ${i};\n`);
  return Number(sh('sh', ['-c', 'find . -path ./.git -prune -o -type f -print | wc -l'], dir).trim());
}

/** TOUCH text files (1-64 KB .js) spread over the tree, deterministic. */
async function pickFiles(dir: string): Promise<string[]> {
  const all = sh('sh', ['-c', "find nm-0 -name '*.js' -size +1k -size -64k | sort"], dir).trim().split('\n');
  const step = Math.floor(all.length / (TOUCH * 2));
  return Array.from({ length: TOUCH * 2 }, (_, i) => all[i * step]);
}

/** One edit per file: a comment after the first line (as an agent would). */
async function editAll(ws: Workspace, files: string[]): Promise<void> {
  for (const f of files) {
    const text = await ws.readText(f);
    const first = text.slice(0, text.indexOf('\n') + 1 || text.length);
    if (!first) throw new Error(`empty ${f}`);
    await ws.editText!(f, { oldString: first, newString: `${first}// touched by the bench\n` , replaceAll: false }).catch(async (err) => {
      if (!(err instanceof ToolError)) throw err;
      await ws.writeText(f, `${text}// touched by the bench\n`); // first line not unique: append instead
    });
  }
}

async function checkpointBench(): Promise<void> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-bench-tree-')));
  const journals = await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-bench-journals-'));
  process.env.SWARMCODE_JOURNAL_DIR = journals;
  const shadow = await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-bench-shadow-'));
  try {
    const [files, tBuild] = await timed(() => buildTree(dir));
    const treeBytes = duBytes(dir);
    process.stdout.write(`tree: ${files.toLocaleString('en-US')} files, ${mb(treeBytes)} (built in ${ms(tBuild)})\n`);
    const [, tUserGit] = await timed(() => {
      git(['init', '-q'], dir);
      git(['add', '-A'], dir);
      git(['commit', '-q', '-m', 'tree'], dir);
    });
    process.stdout.write(`user repo: git init + add + commit in ${ms(tUserGit)}\n`);
    const picked = await pickFiles(dir);
    const journaled = picked.slice(0, TOUCH);
    const plain = picked.slice(TOUCH);

    const base = await createWorkspace(dir, new EditorDocuments());
    // Baseline: the same kind of edits on 20 other files with no journal.
    const [, tPlain] = await timed(() => editAll(base.forAgent!('plain'), plain));
    git(['checkout', '-q', '--', ...plain], dir); // put them back (outside the measurement)
    git(['status', '--porcelain'], dir); // refresh the index's stat data once, so it is stable
    const headBefore = git(['rev-parse', 'HEAD'], dir).trim();
    const indexBefore = await fs.readFile(path.join(dir, '.git', 'index'));
    const run = base.forRun!('bench-run', 'bench');
    const [, tJournal] = await timed(() => editAll(run.forAgent!('a'), journaled));
    await run.close('done');
    const journalDir = path.join(journalStoreFor(dir).dir);
    const journalBytes = duBytes(journalDir);
    const [rej, tRollback] = await timed(() => rejectChanges(dir, 'bench-run'));
    const refsKept = git(['rev-parse', 'HEAD'], dir).trim() === headBefore && (await fs.readFile(path.join(dir, '.git', 'index'))).equals(indexBefore);
    const status = git(['status', '--porcelain'], dir).trim();
    const clean = status === '';
    if (!clean) process.stdout.write(`git status after rollback:\n${status.slice(0, 2000)}\n`);

    // Shadow git: a snapshot of the whole tree before the turn, and one after it.
    const sg = (args: string[]) => git(['--git-dir', shadow, '--work-tree', dir, ...args], dir);
    const [, tShadowFirst] = await timed(() => {
      sg(['init', '-q']);
      sg(['add', '-A']);
      sg(['commit', '-q', '-m', 'checkpoint 1']);
    });
    const shadowBytes1 = duBytes(shadow);
    await editAll(base.forAgent!('b'), journaled);
    const [, tShadowNext] = await timed(() => {
      sg(['add', '-A']);
      sg(['commit', '-q', '-m', 'checkpoint 2']);
    });
    const shadowBytes2 = duBytes(shadow);
    const [, tShadowRestore] = await timed(() => sg(['checkout', '-q', 'HEAD~1', '--', '.']));
    git(['checkout', '-q', '--', '.'], dir);

    printTable(`Checkpoint for a run touching ${TOUCH} files in a tree of ${files.toLocaleString('en-US')} files (${mb(treeBytes)})`, [
      ['method', 'checkpoint time', 'disk', 'next-turn checkpoint', 'restore', 'tree clean after restore'],
      ['journal (SwarmCode)', `${ms(tJournal - tPlain)} (edits ${ms(tJournal)} vs ${ms(tPlain)} unjournaled)`, mb(journalBytes), 'per file touched, same cost', `${ms(tRollback)} (${rej.restored.length} files)`, clean && refsKept ? 'yes (HEAD + index untouched)' : 'NO'],
      ['shadow git snapshot', ms(tShadowFirst), mb(shadowBytes1), `${ms(tShadowNext)} (+${mb(shadowBytes2 - shadowBytes1)})`, ms(tShadowRestore), 'n/a'],
    ]);
  } finally {
    if (!process.env.BENCH_KEEP) {
      await fs.rm(dir, { recursive: true, force: true });
      await fs.rm(shadow, { recursive: true, force: true });
      await fs.rm(journals, { recursive: true, force: true });
    }
  }
}

async function throughputBench(): Promise<void> {
  const rows: (string | number)[][] = [['writers', 'attempts', 'accepted', 'refused (stale)', 'wall', 'accepted edits/s', 'p50 edit', 'p99 edit', 'plain writeFile/s (no checks)']];
  for (const writers of [1, 8, 32]) {
    const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-bench-tp-')));
    const lines = (f: number) => Array.from({ length: 200 }, (_, l) => `file ${f} line ${l} = 0`).join('\n') + '\n';
    for (let f = 0; f < 8; f++) await fs.writeFile(path.join(dir, `f${f}.txt`), lines(f));
    const base = await createWorkspace(dir, new EditorDocuments());
    const run = base.forRun!(`tp-${writers}`, 'throughput');
    const lat: number[] = [];
    let accepted = 0;
    let refused = 0;
    let seed = writers;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const per = Math.ceil(EDITS / writers);
    const [, wall] = await timed(() =>
      Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const ws = run.forAgent!(`w${w}`);
          for (let i = 0; i < per; i++) {
            const f = `f${Math.floor(rand() * 8)}.txt`;
            const t = performance.now();
            const text = await ws.readText(f);
            const l = Math.floor(rand() * 200);
            const line = text.split('\n')[l];
            const n = Number(line.split(' = ')[1]);
            try {
              await ws.editText!(f, { oldString: `${line}\n`, newString: `${line.split(' = ')[0]} = ${n + 1}\n` });
              accepted++;
            } catch (err) {
              if (!(err instanceof ToolError)) throw err;
              refused++;
            }
            lat.push(performance.now() - t);
          }
        }),
      ),
    );
    await run.close('done');
    await rejectChanges(dir, `tp-${writers}`);
    // Baseline: the same number of whole-file writes with plain fs.writeFile (no lock, no check, no journal).
    const content = lines(0);
    const [, plainWall] = await timed(async () => {
      for (let i = 0; i < per * writers; i++) await fs.writeFile(path.join(dir, `f${i % 8}.txt`), content);
    });
    rows.push([writers, per * writers, accepted, refused, ms(wall), fmt((accepted / wall) * 1000, 0), `${fmt(percentile(lat, 50), 2)} ms`, `${fmt(percentile(lat, 99), 2)} ms`, fmt(((per * writers) / plainWall) * 1000, 0)]);
    await fs.rm(dir, { recursive: true, force: true });
  }
  printTable('Edit throughput (read + edit_file on 8 shared 200-line files, journal on)', rows);
}

async function main(): Promise<void> {
  await checkpointBench();
  await throughputBench();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
