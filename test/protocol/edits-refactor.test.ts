// swarm/refactor: sites found and sharded by the server, edited in a run, tests run by the server,
// failing shards reported, changes reviewable — the spawned server against the HTTP simulator.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangesRequest, RefactorRequest } from '../../server/protocol';
import { script } from '../support/simulator';
import { tempDir, usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';
import { makeShards } from '../../server/handlers/refactor-plan';
import { detectTestCommand } from '../../server/handlers/refactor-tests';
import { responsibleShards } from '../../server/handlers/refactor-blame';

describe('protocol: swarm/refactor', function () {
  this.timeout(40_000);
  const ctx = useSimServer();
  usePrivateJournalDir();
  beforeEach(() => {
    mkdirSync(join(ctx.ws.path, 'src'));
    mkdirSync(join(ctx.ws.path, 'lib'));
    writeFileSync(join(ctx.ws.path, 'src/a.ts'), 'export const v = oldName();\n');
    writeFileSync(join(ctx.ws.path, 'src/b.ts'), 'import { oldName } from "../lib/c";\nexport default oldName;\n');
    writeFileSync(join(ctx.ws.path, 'lib/c.ts'), 'export function oldName() { return 1; }\n');
    writeFileSync(join(ctx.ws.path, 'other.ts'), 'export const unrelated = 2;\n');
    writeFileSync(join(ctx.ws.path, 'package.json'), JSON.stringify({ name: 'fixture', scripts: { test: 'node check.js' } }));
    writeFileSync(
      join(ctx.ws.path, 'check.js'),
      "const fs = require('fs');\nlet bad = 0;\nfor (const f of ['src/a.ts', 'src/b.ts', 'lib/c.ts']) if (fs.readFileSync(f, 'utf8').includes('oldName')) { console.log('FAIL ' + f + ' still uses oldName'); bad++; }\nprocess.exit(bad ? 1 : 0);\n",
    );
  });

  it('shards the sites, runs the edits, runs the detected tests and reports the failing shard', async () => {
    const { sim, server } = await ctx.start({
      respond: script([
        { toolCalls: [{ name: 'read_file', arguments: { path: 'src/a.ts' } }, { name: 'read_file', arguments: { path: 'src/b.ts' } }] },
        {
          toolCalls: [
            { name: 'edit_file', arguments: { path: 'src/a.ts', old_string: 'oldName', new_string: 'newName' } },
            { name: 'edit_file', arguments: { path: 'src/b.ts', old_string: 'oldName', new_string: 'newName', replace_all: true } },
          ],
        },
        { text: 'shard-2 and shard-3 done' },
      ]),
    }, { model: 'kimi-k2.5', approval: 'always', swarm: false });
    const res = await server.connection.sendRequest(RefactorRequest, { runId: 'rf-1', instruction: 'Rename oldName to newName', scope: { pattern: 'oldName', glob: '*.ts' }, fixRounds: 0 });
    assert.equal(res.status, 'done', res.error);
    assert.deepEqual(res.shards.map((s) => [s.id, s.files, s.sites]), [['shard-1', ['lib/c.ts'], 1], ['shard-2', ['src/a.ts'], 1], ['shard-3', ['src/b.ts'], 2]]);
    const task = JSON.stringify(sim.requests[0].body.messages);
    assert.match(task, /shard-1: lib\/c.ts/);
    assert.match(task, /npm test/);
    assert.match(task, /spawn_swarm/);
    assert.deepEqual(res.changedFiles, ['src/a.ts', 'src/b.ts']);
    assert.ok(res.tests);
    assert.equal(res.tests.command, 'npm test');
    assert.equal(res.tests.passed, false);
    assert.match(res.tests.output, /FAIL lib\/c.ts/);
    assert.deepEqual(res.shards.filter((s) => s.failing).map((s) => s.id), ['shard-1']);
    assert.equal(readFileSync(join(ctx.ws.path, 'src/b.ts'), 'utf8'), 'import { newName } from "../lib/c";\nexport default newName;\n');
    const changes = await server.connection.sendRequest(ChangesRequest, { runId: 'rf-1' });
    assert.deepEqual(changes.files.map((f) => f.path), ['src/a.ts', 'src/b.ts']);
  });
});

describe('refactor planning', () => {
  it('packs modules into at most maxShards shards, heaviest first', () => {
    const sites = new Map([['a/1.ts', 5], ['a/2.ts', 1], ['b/1.ts', 3], ['c/1.ts', 2], ['c/2.ts', 2]]);
    const shards = makeShards(sites, 2);
    assert.equal(shards.length, 2);
    assert.deepEqual(shards.map((s) => s.files), [['a/1.ts', 'a/2.ts'], ['b/1.ts', 'c/1.ts', 'c/2.ts']]);
    assert.deepEqual(shards.map((s) => s.sites), [6, 7]);
    assert.equal(makeShards(sites, 16).length, 5);
  });

  it('detects test commands and maps failures to shards', async () => {
    const d = tempDir();
    try {
      assert.equal(await detectTestCommand(d.path), undefined);
      writeFileSync(join(d.path, 'go.mod'), 'module x\n');
      assert.equal(await detectTestCommand(d.path), 'go test ./...');
      writeFileSync(join(d.path, 'Cargo.toml'), '[package]\n');
      assert.equal(await detectTestCommand(d.path), 'cargo test');
      writeFileSync(join(d.path, 'package.json'), JSON.stringify({ scripts: { test: 'mocha' } }));
      writeFileSync(join(d.path, 'pnpm-lock.yaml'), '');
      assert.equal(await detectTestCommand(d.path), 'pnpm test');
      const shards = [{ id: 's1', files: ['src/x.py'], sites: 1 }, { id: 's2', files: ['src/y.py'], sites: 1 }];
      assert.deepEqual((await responsibleShards('FAILED tests/test_y.py::t - in y.py line 3', shards, d.path)).map((s) => s.id), ['s2']);
    } finally {
      d.cleanup();
    }
  });
});
