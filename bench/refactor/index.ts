// Cost of finding the shard whose change breaks a test (server/handlers/refactor-bisect.ts): a
// project with N modules (one shard each), one `node --test` file using all of them, and one
// shard's change wrong. Bisection (revert half the candidates at a time on a scratch copy) vs
// leave-one-out (revert each shard in turn), same scratch, same sandbox, same run: test runs and
// wall time until the culprit is known. Run: node --import tsx bench/refactor/index.ts
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerContext } from '../../server/context';
import { Sandbox } from '../../server/sandbox';
import { bisect, Scratch, type Baseline, type BisectInput } from '../../server/handlers/refactor-bisect';
import type { Shard } from '../../server/handlers/refactor-plan';
import { runTests } from '../../server/handlers/refactor-run-tests';
import { failingTests } from '../../server/handlers/refactor-failures';

async function scenario(n: number): Promise<string[]> {
  const root = mkdtempSync(join(tmpdir(), 'swarmcode-bench-rf-'));
  try {
    mkdirSync(join(root, 'lib'));
    mkdirSync(join(root, 'test'));
    const shards: Shard[] = [];
    const baseline: Baseline = new Map();
    const bad = n - 2;
    for (let i = 0; i < n; i++) {
      const f = `lib/m${i}.js`;
      const before = `exports.f${i} = (x) => x + ${i};\n`;
      baseline.set(f, Buffer.from(before));
      // Every shard renames the parameter; one gets the arithmetic wrong.
      writeFileSync(join(root, f), `exports.f${i} = (value) => value + ${i === bad ? i + 1 : i};\n`);
      shards.push({ id: `shard-${i + 1}`, files: [f], sites: 1 });
    }
    const uses = shards.map((_, i) => `assert.equal(require('../lib/m${i}').f${i}(1), ${1 + i});`).join('\n  ');
    writeFileSync(join(root, 'test/all.test.js'), `const test = require('node:test');\nconst assert = require('node:assert');\ntest('all', () => {\n  ${uses}\n});\n`);
    const ctx = { sandbox: new Sandbox(() => ({})) } as unknown as ServerContext;
    const command = 'node --test test/';
    const signal = new AbortController().signal;
    const failing = (await failingTests((await runTests(ctx, command, root, signal)).output, root)).map((t) => t.file);
    const rows: string[] = [];
    // Bisection.
    let scratch = await Scratch.create(root, shards.flatMap((s) => s.files));
    let t = performance.now();
    const inp: BisectInput = { ctx, command, scratch, shards, baseline, signal };
    const found = await bisect(inp, shards, failing);
    rows.push(`| ${n} | bisection | ${found.map((s) => s.id).join(' ')} | ${scratch.runs} | ${(performance.now() - t).toFixed(0)} |`);
    await scratch.dispose();
    // Leave-one-out: revert each shard until the tests pass.
    scratch = await Scratch.create(root, shards.flatMap((s) => s.files));
    t = performance.now();
    let runs = 0;
    let culprit = '';
    for (const s of shards) {
      runs++;
      await scratch.apply(shards, new Set([s]), baseline);
      if ((await runTests(ctx, command, scratch.dir, signal, [root])).passed) {
        culprit = s.id;
        break;
      }
    }
    rows.push(`| ${n} | leave-one-out (baseline) | ${culprit} | ${runs} | ${(performance.now() - t).toFixed(0)} |`);
    await scratch.dispose();
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log('| shards | search | culprit found | test runs | wall ms |');
  console.log('|---|---|---|---|---|');
  for (const n of [4, 8, 16]) for (const row of await scenario(n)) console.log(row);
}

void main();
