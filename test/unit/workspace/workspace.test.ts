import { strict as assert } from 'node:assert';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, EditorDocuments } from '../../../server/workspace';
import { ToolError } from '../../../server/tools/types';
import { makeFixture, type Fixture } from '../tools/fixture';

async function rejectsTool(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(err instanceof ToolError, `expected ToolError, got ${err.name}: ${err.message}`);
    assert.match(err.message, re);
    return true;
  });
}

describe('workspace', () => {
  let f: Fixture;
  let outside: string;
  beforeEach(async () => {
    f = await makeFixture({ 'src/a.ts': 'export const a = 1;\n', 'README.md': '# hi\n' });
    outside = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-outside-')));
    await fs.writeFile(path.join(outside, 'secret.txt'), 'secret\n');
  });
  afterEach(async () => {
    await f.cleanup();
    await fs.rm(outside, { recursive: true, force: true });
  });

  describe('path sandbox', () => {
    it('resolves relative and absolute-inside paths', async () => {
      assert.equal(await f.ws.resolve('src/a.ts'), path.join(f.dir, 'src/a.ts'));
      assert.equal(await f.ws.resolve(path.join(f.dir, 'src/a.ts')), path.join(f.dir, 'src/a.ts'));
      assert.equal(await f.ws.resolve('src/../README.md'), path.join(f.dir, 'README.md'));
      assert.equal(await f.ws.resolve('new/dir/file.ts'), path.join(f.dir, 'new/dir/file.ts'));
      assert.equal(f.ws.relative(path.join(f.dir, 'src/a.ts')), 'src/a.ts');
    });

    it('refuses .. escapes, naming the path', async () => {
      await rejectsTool(f.ws.resolve('../x'), /"\.\.\/x".*outside the workspace/);
      await rejectsTool(f.ws.readText('src/../../etc/passwd'), /outside the workspace/);
    });

    it('refuses absolute paths outside the root', async () => {
      await rejectsTool(f.ws.readText('/etc/passwd'), /"\/etc\/passwd".*absolute path outside the workspace/);
      await rejectsTool(f.ws.writeText(path.join(outside, 'new.txt'), 'x'), /absolute path outside/);
    });

    it('refuses a symlinked folder pointing outside, also for files not yet created', async () => {
      await fs.symlink(outside, path.join(f.dir, 'link'));
      await rejectsTool(f.ws.readText('link/secret.txt'), /symlink.*outside the workspace/);
      await rejectsTool(f.ws.writeText('link/new/deep.txt', 'x'), /symlink/);
      await assert.rejects(fs.stat(path.join(outside, 'new')));
    });

    it('refuses a symlinked file pointing outside, and a dangling one', async () => {
      await fs.symlink(path.join(outside, 'secret.txt'), path.join(f.dir, 'secret.txt'));
      await rejectsTool(f.ws.readText('secret.txt'), /"secret.txt".*symlink/);
      await fs.symlink(path.join(outside, 'nothing-yet.txt'), path.join(f.dir, 'dangling.txt'));
      await rejectsTool(f.ws.writeText('dangling.txt', 'x'), /symlink/);
      await assert.rejects(fs.stat(path.join(outside, 'nothing-yet.txt')));
    });

    it('allows symlinks that stay inside and writes through them', async () => {
      await fs.symlink(path.join(f.dir, 'src'), path.join(f.dir, 'alias'));
      assert.equal(await f.ws.readText('alias/a.ts'), 'export const a = 1;\n');
      await f.ws.writeText('alias/a.ts', 'changed\n');
      assert.equal(await fs.readFile(path.join(f.dir, 'src/a.ts'), 'utf8'), 'changed\n');
      assert.ok((await fs.lstat(path.join(f.dir, 'alias'))).isSymbolicLink());
    });

    it('accepts absolute paths spelled with a symlinked root', async () => {
      const rootLink = path.join(outside, 'root-link');
      await fs.symlink(f.dir, rootLink);
      const ws = await createWorkspace(rootLink, new EditorDocuments());
      assert.equal(ws.root, f.dir);
      assert.equal(await ws.readText(path.join(rootLink, 'README.md')), '# hi\n');
    });
  });

  describe('readText', () => {
    it('returns the editor buffer when open, else disk', async () => {
      const abs = path.join(f.dir, 'src/a.ts');
      f.docs.open(abs, 'export const a = 1;\n');
      f.docs.change(abs, 'export const a = 2; // unsaved\n');
      assert.equal(await f.ws.readText('src/a.ts'), 'export const a = 2; // unsaved\n');
      f.docs.close(abs);
      assert.equal(await f.ws.readText('src/a.ts'), 'export const a = 1;\n');
    });

    it('refuses missing files and folders with guidance', async () => {
      await rejectsTool(f.ws.readText('nope.ts'), /File not found: nope.ts.*list_files/);
      await rejectsTool(f.ws.readText('src'), /src is a directory/);
    });

    it('refuses binary files', async () => {
      await fs.writeFile(path.join(f.dir, 'img.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
      await rejectsTool(f.ws.readText('img.png'), /img.png looks like a binary file/);
    });

    it('refuses files over the size limit, saying what to do instead', async () => {
      const big = path.join(f.dir, 'big.log');
      const h = await fs.open(big, 'w');
      await h.truncate(11 * 1024 * 1024); // sparse: no real 11 MiB write
      await h.close();
      await rejectsTool(f.ws.readText('big.log'), /big.log is 11.0 MiB, over the 10.0 MiB limit.*grep/);
    });
  });

  describe('writeText', () => {
    it('creates parent folders and leaves no temp file', async () => {
      await f.ws.writeText('a/b/c.txt', 'deep\n');
      assert.equal(await fs.readFile(path.join(f.dir, 'a/b/c.txt'), 'utf8'), 'deep\n');
      assert.deepEqual(await fs.readdir(path.join(f.dir, 'a/b')), ['c.txt']);
    });

    it('keeps the existing file mode', async () => {
      const p = path.join(f.dir, 'run.sh');
      await fs.writeFile(p, '#!/bin/sh\n');
      await fs.chmod(p, 0o751);
      await f.ws.writeText('run.sh', '#!/bin/sh\necho hi\n');
      assert.equal((await fs.stat(p)).mode & 0o777, 0o751);
      assert.equal(await fs.readFile(p, 'utf8'), '#!/bin/sh\necho hi\n');
    });

    it('replaces by rename (a new inode), so readers never see half a file', async () => {
      const p = path.join(f.dir, 'README.md');
      const before = (await fs.stat(p)).ino;
      await f.ws.writeText('README.md', '# new\n');
      assert.notEqual((await fs.stat(p)).ino, before);
    });

    it('refuses to write under unsaved editor changes', async () => {
      const abs = path.join(f.dir, 'README.md');
      f.docs.open(abs, '# hi\n');
      f.docs.change(abs, '# hi, unsaved\n');
      await rejectsTool(f.ws.writeText('README.md', 'x'), /README.md has unsaved changes in the editor/);
      assert.equal(await fs.readFile(abs, 'utf8'), '# hi\n');
      f.docs.saved(abs);
      await f.ws.writeText('README.md', '# saved then written\n');
      assert.equal(await f.ws.readText('README.md'), '# saved then written\n', 'a clean open buffer follows the write');
    });

    it('refuses writing over a directory', async () => {
      await rejectsTool(f.ws.writeText('src', 'x'), /src is a directory/);
    });

    it('honours an aborted signal', async () => {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(f.ws.writeText('x.txt', 'x', ac.signal), { name: 'AbortError' });
      await assert.rejects(fs.stat(path.join(f.dir, 'x.txt')));
    });
  });
});
