// read_file, list_files, edit_file, write_file on real temp folders.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { builtinTools } from '../../../server/tools';
import { runTool } from '../../../server/tools/runner';
import { makeFixture, never, type Fixture } from './fixture';

const call = (f: Fixture, name: string, args: unknown) => runTool(builtinTools, { name, arguments: JSON.stringify(args) }, f.ctx, never);

describe('file tools', () => {
  let f: Fixture;
  beforeEach(async () => {
    const many = Array.from({ length: 2500 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    f = await makeFixture({
      'src/a.ts': 'const a = 1;\r\nconst b = 2;\n',
      'long.txt': many,
      '.gitignore': 'dist/\n*.log\n',
      'dist/out.js': 'x',
      'app.log': 'x',
      '.github/ci.yml': 'on: push\n',
      'docs/guide.md': '# guide\n',
    });
  });
  afterEach(() => f.cleanup());

  describe('read_file', () => {
    it('numbers lines like cat -n and strips CR', async () => {
      const r = await call(f, 'read_file', { path: 'src/a.ts' });
      assert.equal(r.ok, true);
      assert.equal(r.output, '     1\tconst a = 1;\n     2\tconst b = 2;');
    });

    it('pages with offset/limit and says when more remain', async () => {
      const r = await call(f, 'read_file', { path: 'long.txt' });
      const lines = r.output.split('\n');
      // 2000 lines of this file would pass the output cap, so the page stops early, uncut.
      assert.ok(r.output.length <= 30_000 && !r.output.includes('characters cut'));
      const last = lines.length - 1;
      assert.match(lines[last - 1], new RegExp(`^\\s+${last}\\tline ${last}$`));
      assert.match(lines[last], new RegExp(`lines 1-${last} of 2500; ${2500 - last} more — continue with offset=${last + 1}`));
      const small = await call(f, 'read_file', { path: 'long.txt', limit: 3 });
      assert.equal(small.output, '     1\tline 1\n     2\tline 2\n     3\tline 3\n[showing lines 1-3 of 2500; 2497 more — continue with offset=4]');
      const r2 = await call(f, 'read_file', { path: 'long.txt', offset: 2499, limit: 5 });
      assert.equal(r2.output, '  2499\tline 2499\n  2500\tline 2500');
      const r3 = await call(f, 'read_file', { path: 'long.txt', offset: 3000 });
      assert.equal(r3.ok, false);
      assert.match(r3.output, /offset 3000 is past the end of long.txt, which has 2500 lines/);
    });

    it('shows the unsaved editor buffer', async () => {
      f.docs.open(path.join(f.dir, 'src/a.ts'), 'old');
      f.docs.change(path.join(f.dir, 'src/a.ts'), 'unsaved text\n');
      const r = await call(f, 'read_file', { path: 'src/a.ts' });
      assert.equal(r.output, '     1\tunsaved text');
    });

    it('errors on missing files and escapes', async () => {
      assert.match((await call(f, 'read_file', { path: 'missing.ts' })).output, /File not found: missing.ts/);
      assert.match((await call(f, 'read_file', { path: '/etc/passwd' })).output, /outside the workspace/);
    });
  });

  describe('list_files', () => {
    it('lists sorted, respecting .gitignore, including dotfolders but not .git', async () => {
      await fs.mkdir(path.join(f.dir, '.git'));
      await fs.writeFile(path.join(f.dir, '.git/HEAD'), 'ref');
      const r = await call(f, 'list_files', {});
      assert.equal(r.output, ['.github/ci.yml', '.gitignore', 'docs/guide.md', 'long.txt', 'src/a.ts'].join('\n'));
    });

    it('filters by path and glob', async () => {
      assert.equal((await call(f, 'list_files', { path: 'src' })).output, 'src/a.ts');
      assert.equal((await call(f, 'list_files', { glob: '*.md' })).output, 'docs/guide.md');
      assert.match((await call(f, 'list_files', { glob: '*.rs' })).output, /No files in the workspace matching "\*.rs"/);
      assert.match((await call(f, 'list_files', { path: 'nope' })).output, /nope does not exist/);
      assert.match((await call(f, 'list_files', { path: '..' })).output, /outside the workspace/);
    });

    it('caps the listing with a note', async () => {
      await fs.mkdir(path.join(f.dir, 'many'));
      await Promise.all(Array.from({ length: 1005 }, (_, i) => fs.writeFile(path.join(f.dir, 'many', `f${String(i).padStart(4, '0')}.txt`), '')));
      const r = await call(f, 'list_files', { path: 'many' });
      const lines = r.output.split('\n');
      assert.equal(lines.length, 1001);
      assert.equal(lines[0], 'many/f0000.txt');
      assert.match(lines[1000], /5 more files not shown \(1005 in all\) — narrow with path or glob/);
    });
  });

  describe('edit_file', () => {
    it('replaces a unique string and reports the changed lines', async () => {
      const r = await call(f, 'edit_file', { path: 'long.txt', old_string: 'line 10\n', new_string: 'ten\nTEN\n' });
      assert.equal(r.ok, true, r.output);
      assert.match(r.output, /Edited long.txt: replaced 1 occurrence; changed lines 10-12/);
      const text = await fs.readFile(path.join(f.dir, 'long.txt'), 'utf8');
      assert.ok(text.includes('line 9\nten\nTEN\nline 11\n'));
    });

    it('treats $ patterns in new_string literally', async () => {
      await call(f, 'edit_file', { path: 'src/a.ts', old_string: 'const b', new_string: "const $& = '$1'" });
      assert.equal(await fs.readFile(path.join(f.dir, 'src/a.ts'), 'utf8'), "const a = 1;\r\nconst $& = '$1' = 2;\n");
    });

    it('refuses not found and ambiguous matches, telling the model what to do', async () => {
      const nf = await call(f, 'edit_file', { path: 'src/a.ts', old_string: 'const c', new_string: 'x' });
      assert.equal(nf.ok, false);
      assert.match(nf.output, /old_string was not found in src\/a.ts. Re-read the file with read_file/);
      const amb = await call(f, 'edit_file', { path: 'src/a.ts', old_string: 'const', new_string: 'let' });
      assert.match(amb.output, /occurs 2 times in src\/a.ts \(lines 1, 2\).*replace_all/);
      assert.equal(await fs.readFile(path.join(f.dir, 'src/a.ts'), 'utf8'), 'const a = 1;\r\nconst b = 2;\n');
    });

    it('replace_all replaces every occurrence', async () => {
      const r = await call(f, 'edit_file', { path: 'src/a.ts', old_string: 'const', new_string: 'let', replace_all: true });
      assert.match(r.output, /replaced 2 occurrences; changed lines 1, 2/);
      assert.equal(await fs.readFile(path.join(f.dir, 'src/a.ts'), 'utf8'), 'let a = 1;\r\nlet b = 2;\n');
    });

    it('refuses empty old_string, missing files and escapes', async () => {
      assert.match((await call(f, 'edit_file', { path: 'src/a.ts', old_string: '', new_string: 'x' })).output, /use write_file/);
      assert.match((await call(f, 'edit_file', { path: 'nope.ts', old_string: 'a', new_string: 'b' })).output, /File not found/);
      assert.match((await call(f, 'edit_file', { path: '../a', old_string: 'a', new_string: 'b' })).output, /outside the workspace/);
    });
  });

  describe('write_file', () => {
    it('creates files with parent folders and overwrites', async () => {
      const r = await call(f, 'write_file', { path: 'new/dir/x.py', content: 'print(1)\nprint(2)\n' });
      assert.equal(r.output, 'Created new/dir/x.py (2 lines, 18 bytes).');
      assert.equal(await fs.readFile(path.join(f.dir, 'new/dir/x.py'), 'utf8'), 'print(1)\nprint(2)\n');
      const r2 = await call(f, 'write_file', { path: 'new/dir/x.py', content: 'y' });
      assert.equal(r2.output, 'Overwrote new/dir/x.py (1 line, 1 bytes).');
    });

    it('refuses paths outside the workspace', async () => {
      const r = await call(f, 'write_file', { path: '../../evil.txt', content: 'x' });
      assert.equal(r.ok, false);
      assert.match(r.output, /Refused path "..\/..\/evil.txt"/);
    });
  });
});
