// Region-aware rebase of stale edit_file calls (issue 12) through the real edit engine on a real
// temp folder: disjoint edits on a stale read land, overlapping ones (and the substring race) are
// refused as before, whole-file writes on a stale read stay refused, formats are kept.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, EditorDocuments, type Workspace } from '../../../server/workspace';
import { ToolError } from '../../../server/tools/types';

async function refused(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(err instanceof ToolError, `expected ToolError, got ${err.name}: ${err.message}`);
    assert.match(err.message, re);
    return true;
  });
}

describe('edit engine: rebasing stale edits', function () {
  this.timeout(20_000);
  let dir: string;
  let run: Workspace;
  before(async () => {
    process.env.SWARMCODE_JOURNAL_DIR ??= await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-journals-'));
  });
  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-rebase-')));
    run = (await createWorkspace(dir, new EditorDocuments())).forRun!(`rebase-${path.basename(dir)}`, 'rebase');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const slots = Array.from({ length: 8 }, (_, i) => `slot ${i}: TODO\n`).join('');

  it('8 agents on 8 disjoint lines of one file, all from one read, all land in one round', async () => {
    await fs.writeFile(path.join(dir, 'shared.txt'), slots);
    const agents = Array.from({ length: 8 }, (_, i) => run.forAgent!(`a${i}`));
    for (const a of agents) assert.equal(await a.readText('shared.txt'), slots);
    const results = await Promise.all(agents.map((a, i) => a.editText!('shared.txt', { oldString: `slot ${i}: TODO`, newString: `slot ${i}: done by a${i}` })));
    assert.equal(results.filter((r) => r.rebased).length, 7);
    const want = Array.from({ length: 8 }, (_, i) => `slot ${i}: done by a${i}\n`).join('');
    assert.equal(await fs.readFile(path.join(dir, 'shared.txt'), 'utf8'), want);
    // Each result's line numbers point into the current file.
    results.forEach((r, i) => assert.deepEqual(r.lines, [[i + 1, i + 1]]));
  });

  it('refuses the substring race: "value: 10" inside a line that now reads "value: 100"', async () => {
    await fs.writeFile(path.join(dir, 'cfg.yml'), 'name: x\nvalue: 10\nother: 1\n');
    const [a, b] = [run.forAgent!('a'), run.forAgent!('b')];
    await a.readText('cfg.yml');
    await b.readText('cfg.yml');
    await a.editText!('cfg.yml', { oldString: 'value: 10', newString: 'value: 100' });
    await refused(b.editText!('cfg.yml', { oldString: 'value: 10', newString: 'value: 11' }), /changed by another agent \(a\) since you last read it, and their change touches the lines your old_string matched.*Re-read it with read_file/);
    assert.equal(await fs.readFile(path.join(dir, 'cfg.yml'), 'utf8'), 'name: x\nvalue: 100\nother: 1\n');
  });

  it('refuses overlapping edits (same line, and a line inserted inside a multi-line old_string)', async () => {
    await fs.writeFile(path.join(dir, 'f.txt'), 'one\ntwo\nthree\nfour\n');
    const [a, b, c, d] = [run.forAgent!('a'), run.forAgent!('b'), run.forAgent!('c'), run.forAgent!('d')];
    for (const x of [a, b, c, d]) await x.readText('f.txt');
    await a.editText!('f.txt', { oldString: 'two\nthree', newString: 'two\nmid\nthree' });
    await refused(b.editText!('f.txt', { oldString: 'two\nthree\n', newString: 'TWO-THREE\n' }), /touches the lines/);
    assert.equal((await d.editText!('f.txt', { oldString: 'four', newString: 'FOUR' })).rebased, true);
    await refused(c.editText!('f.txt', { oldString: 'four', newString: 'vier' }), /touches the lines/);
    // A line inserted right after c's line does not touch it.
    assert.equal((await c.editText!('f.txt', { oldString: 'two', newString: 'deux' })).rebased, true);
    assert.equal(await fs.readFile(path.join(dir, 'f.txt'), 'utf8'), 'one\ndeux\nmid\nthree\nFOUR\n');
  });

  it('refuses when old_string now also occurs elsewhere (a serial edit would be ambiguous)', async () => {
    await fs.writeFile(path.join(dir, 'f.txt'), 'alpha\nbeta\ngamma\n');
    const [a, b] = [run.forAgent!('a'), run.forAgent!('b')];
    await a.readText('f.txt');
    await b.readText('f.txt');
    await a.editText!('f.txt', { oldString: 'gamma', newString: 'gamma\nbeta' });
    await refused(b.editText!('f.txt', { oldString: 'beta', newString: 'BETA' }), /no longer matches exactly once/);
  });

  it('replace_all on a stale read: rebased when every occurrence\'s line is untouched, refused when one more appeared', async () => {
    await fs.writeFile(path.join(dir, 'f.ts'), 'foo(1);\nbar();\nfoo(2);\nbaz();\n');
    const [a, b] = [run.forAgent!('a'), run.forAgent!('b')];
    for (const x of [a, b]) await x.readText('f.ts');
    await a.editText!('f.ts', { oldString: 'bar();', newString: 'bar(0);' });
    const r = await b.editText!('f.ts', { oldString: 'foo(', newString: 'fooNew(', replaceAll: true });
    assert.deepEqual([r.rebased, r.count], [true, 2]);
    // One more occurrence appears on a new line: the serial replace_all would change three, not two.
    await fs.writeFile(path.join(dir, 'g.ts'), 'a1\nmid\na2\n');
    const [p, q] = [run.forAgent!('p'), run.forAgent!('q')];
    await p.readText('g.ts');
    await q.readText('g.ts');
    await p.editText!('g.ts', { oldString: 'mid', newString: 'mid\na3' });
    await refused(q.editText!('g.ts', { oldString: 'a', newString: 'b', replaceAll: true }), /no longer matches exactly once where it was/);
    assert.equal(await fs.readFile(path.join(dir, 'g.ts'), 'utf8'), 'a1\nmid\na3\na2\n');
    assert.equal(await fs.readFile(path.join(dir, 'f.ts'), 'utf8'), 'fooNew(1);\nbar(0);\nfooNew(2);\nbaz();\n');
  });

  it('write_file on a stale read stays refused, also after a rebased edit', async () => {
    await fs.writeFile(path.join(dir, 'f.txt'), 'one\ntwo\nthree\n');
    const [a, b] = [run.forAgent!('a'), run.forAgent!('b')];
    await a.readText('f.txt');
    await b.readText('f.txt');
    await a.editText!('f.txt', { oldString: 'one', newString: 'ONE' });
    await refused(b.writeText('f.txt', 'one\ntwo\nTHREE\n'), /changed by another agent \(a\)/);
    const r = await b.editText!('f.txt', { oldString: 'three', newString: 'THREE' });
    assert.equal(r.rebased, true);
    // b has not seen a's "ONE": writing the whole file from its belief would undo it.
    await refused(b.writeText('f.txt', 'one\ntwo\nTHREE\nfour\n'), /changed by .* since you last read it/);
    // A second rebased edit by b diffs against what b believes (its own edit is not "someone's change").
    const r2 = await b.editText!('f.txt', { oldString: 'THREE', newString: 'THREE!' });
    assert.equal(r2.rebased, true);
    assert.equal(await fs.readFile(path.join(dir, 'f.txt'), 'utf8'), 'ONE\ntwo\nTHREE!\n');
    await b.readText('f.txt');
    await b.writeText('f.txt', 'fresh\n');
  });

  it('keeps CRLF, BOM and UTF-16 when rebasing', async () => {
    const crlf = Buffer.from('\ufeffa = 1\r\nb = 2\r\nc = 3\r\n', 'utf8');
    await fs.writeFile(path.join(dir, 'crlf.txt'), crlf);
    await fs.writeFile(path.join(dir, 'u16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a = 1\nb = 2\n', 'utf16le')]));
    const [a, b] = [run.forAgent!('a'), run.forAgent!('b')];
    for (const f of ['crlf.txt', 'u16.txt']) {
      await a.readText(f);
      await b.readText(f);
      await a.editText!(f, { oldString: 'a = 1', newString: 'a = 10' });
      assert.equal((await b.editText!(f, { oldString: 'b = 2\n', newString: 'b = 20\nb2 = 0\n' })).rebased, true);
    }
    assert.deepEqual(await fs.readFile(path.join(dir, 'crlf.txt')), Buffer.from('\ufeffa = 10\r\nb = 20\r\nb2 = 0\r\nc = 3\r\n', 'utf8'));
    assert.deepEqual(await fs.readFile(path.join(dir, 'u16.txt')), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a = 10\nb = 20\nb2 = 0\n', 'utf16le')]));
  });

  it('the internal refuse-stale option (bench baseline) refuses every stale edit as before', async () => {
    await fs.writeFile(path.join(dir, 'shared.txt'), slots);
    process.env.SWARMCODE_BENCH_REFUSE_STALE = '1';
    let old: Workspace;
    try {
      old = (await createWorkspace(dir, new EditorDocuments(), { ephemeral: true })).forRun!('old', 'old');
    } finally {
      delete process.env.SWARMCODE_BENCH_REFUSE_STALE;
    }
    const [a, b] = [old.forAgent!('a'), old.forAgent!('b')];
    await a.readText('shared.txt');
    await b.readText('shared.txt');
    await a.editText!('shared.txt', { oldString: 'slot 0: TODO', newString: 'slot 0: x' });
    await refused(b.editText!('shared.txt', { oldString: 'slot 7: TODO', newString: 'slot 7: y' }), /since you last read it, so this edit was refused/);
  });
});
