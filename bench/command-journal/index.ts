// Cost of journaling a command's file changes (server/workspace/command-journal.ts): a no-op
// command run plainly vs inside journalCommand (two private-index trees of the workspace), on a
// clone of this repository. Run: node --import tsx bench/command-journal/index.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { journalCommand } from '../../server/workspace/command-journal';
import { RunJournal } from '../../server/workspace/journal';

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'swarmcode-bench-cj-'));
  try {
    const root = join(tmp, 'ws');
    execFileSync('git', ['clone', '-q', resolve(__dirname, '../..'), root]);
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    const j = RunJournal.create(join(tmp, 'journal'), root, 'bench', 'bench');
    const N = 10;
    const time = async (fn: () => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        await fn();
        ms.push(performance.now() - t);
      }
      return ms.sort((a, b) => a - b)[N >> 1];
    };
    const cmd = async () => execFileSync('/bin/sh', ['-c', 'true']);
    const plain = await time(cmd);
    const journaled = await time(() => journalCommand(root, j, cmd));
    console.log('| tracked files | plain command p50 ms | journaled command p50 ms |');
    console.log('|---|---|---|');
    console.log(`| ${files} | ${plain.toFixed(1)} | ${journaled.toFixed(1)} |`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
