// grep against real ripgrep on a real temp folder.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { builtinTools } from '../../../server/tools';
import { runTool } from '../../../server/tools/runner';
import { makeFixture, never, type Fixture } from './fixture';

const grep = (f: Fixture, args: unknown) => runTool(builtinTools, { name: 'grep', arguments: JSON.stringify(args) }, f.ctx, never);

describe('grep tool', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await makeFixture({
      'src/a.ts': 'import x from "y";\nfoo(1);\nbar();\nfoo(2);\n',
      'src/b.py': 'def foo():\n    return "a.b"\n',
      'docs/c.md': 'nothing here\n',
      '.gitignore': 'build/\n',
      'build/gen.ts': 'foo(99);\n',
      'long.txt': 'x'.repeat(5000) + 'NEEDLE' + 'y'.repeat(5000) + '\n',
    });
  });
  afterEach(() => f.cleanup());

  it('lists matching files with counts by default, sorted, .gitignore respected', async () => {
    const r = await grep(f, { pattern: 'foo' });
    assert.equal(r.ok, true);
    assert.equal(r.output, '3 matches in 2 files\nsrc/a.ts: 2 matches\nsrc/b.py: 1 match');
  });

  it('is literal by default and regex on request', async () => {
    assert.equal((await grep(f, { pattern: '"a.b"' })).output, '1 match in 1 file\nsrc/b.py: 1 match');
    assert.match((await grep(f, { pattern: 'foo(' })).output, /^3 matches/);
    assert.equal((await grep(f, { pattern: 'fo+\\(\\d\\)', regex: true })).output, '2 matches in 1 file\nsrc/a.ts: 2 matches');
  });

  it('shows lines with context as path:line:text', async () => {
    const r = await grep(f, { pattern: 'foo', path: 'src/a.ts', context: 1 });
    assert.equal(
      r.output,
      ['2 matching lines in 1 file', 'src/a.ts-1-import x from "y";', 'src/a.ts:2:foo(1);', 'src/a.ts-3-bar();', 'src/a.ts:4:foo(2);'].join('\n'),
    );
    const lines = await grep(f, { pattern: 'foo', output: 'lines' });
    assert.equal(lines.output, ['3 matching lines in 2 files', 'src/a.ts:2:foo(1);', '--', 'src/a.ts:4:foo(2);', '--', 'src/b.py:1:def foo():'].join('\n'));
  });

  it('says 0 matches explicitly', async () => {
    const r = await grep(f, { pattern: 'zzz_nothing', glob: '*.ts' });
    assert.equal(r.ok, true);
    assert.equal(r.output, '0 matches for literal "zzz_nothing" (glob "*.ts").');
  });

  it('filters by glob and path', async () => {
    assert.equal((await grep(f, { pattern: 'foo', glob: '*.py' })).output, '1 match in 1 file\nsrc/b.py: 1 match');
    assert.match((await grep(f, { pattern: 'foo', path: 'docs' })).output, /^0 matches for literal "foo" in docs\.$/);
  });

  it('paginates with a note to narrow', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`many/f${String(i).padStart(2, '0')}.txt`] = 'hit\nhit\n';
    await Promise.all(Object.entries(files).map(async ([p, c]) => {
      await fs.mkdir(path.join(f.dir, 'many'), { recursive: true });
      await fs.writeFile(path.join(f.dir, p), c);
    }));
    const r = await grep(f, { pattern: 'hit', max_results: 5 });
    const lines = r.output.split('\n');
    assert.equal(lines[0], '24 matches in 12 files');
    assert.equal(lines[1], 'many/f00.txt: 2 matches');
    assert.equal(lines.length, 7);
    assert.match(lines[6], /7 more files not shown — narrow with path or glob/);
    const l = await grep(f, { pattern: 'hit', output: 'lines', max_results: 3 });
    assert.match(l.output, /^24 matching lines in 12 files\n/);
    assert.match(l.output, /\[21 more matches not shown — narrow with path or glob/);
    assert.equal(l.output.split('\n').filter((x) => x.includes(':hit')).length, 3);
  });

  it('cuts long lines around the match', async () => {
    const r = await grep(f, { pattern: 'NEEDLE', output: 'lines' });
    const line = r.output.split('\n')[1];
    assert.ok(line.length < 400, `line length ${line.length}`);
    assert.match(line, /^long.txt:1:…x+NEEDLEy+… \[line cut, 10006 chars\]$/);
  });

  it('turns an invalid regex into a ToolError with ripgrep\'s message', async () => {
    const r = await grep(f, { pattern: 'foo(', regex: true });
    assert.equal(r.ok, false);
    assert.match(r.output, /Invalid regex:.*regex parse error[\s\S]*unclosed group/);
  });

  it('refuses escapes and missing paths', async () => {
    assert.match((await grep(f, { pattern: 'root', path: '/etc' })).output, /outside the workspace/);
    assert.match((await grep(f, { pattern: 'x', path: 'nope' })).output, /nope does not exist/);
  });

  it('searches disk, and names open files whose unsaved changes it did not see', async () => {
    const abs = path.join(f.dir, 'src/a.ts');
    f.docs.open(abs, 'foo');
    f.docs.change(abs, 'unsaved only_in_buffer\n');
    const r = await grep(f, { pattern: 'only_in_buffer' });
    assert.match(r.output, /^0 matches/);
    assert.match(r.output, /unsaved editor changes in src\/a.ts were not searched/);
  });

  it('treats a pattern starting with a dash as a pattern', async () => {
    await fs.writeFile(path.join(f.dir, 'flags.txt'), 'use --force here\n');
    assert.equal((await grep(f, { pattern: '--force' })).output, '1 match in 1 file\nflags.txt: 1 match');
  });
});
