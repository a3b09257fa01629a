// Multi-root naming and path resolution (server/workspace/roots.ts). Folder names come from the
// client's WorkspaceFolder.name (LSP 3.6 workspace folders); the extension (src/folder-names.ts)
// must name them the same way to map paths back to files.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalStore } from '../../../server/workspace/journal-store';
import { linkFarm, MultiRoot, rootNames, type Root } from '../../../server/workspace/roots';
import { folderNames } from '../../../src/folder-names';

describe('workspace/roots: multi-root names and paths', () => {
  let base = '';
  let multi: MultiRoot;
  let roots: Root[];
  before(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'roots-')));
    for (const d of ['a', 'b', 'out', 'farms']) mkdirSync(join(base, d));
    writeFileSync(join(base, 'a', 'x.txt'), 'x');
    writeFileSync(join(base, 'out', 'secret'), 's');
    symlinkSync(join(base, 'out'), join(base, 'a', 'escape'));
    roots = [{ name: 'a', real: join(base, 'a'), aliases: [] }, { name: 'b', real: join(base, 'b'), aliases: [] }];
    multi = new MultiRoot(await linkFarm(join(base, 'farms'), roots), roots);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('makes names unique (case-insensitively) and path-safe, the same in the server and the extension', () => {
    const given = ['app', 'App', 'app', 'a/b', '..', '', 'web'];
    const names = rootNames(given.map((name, i) => ({ path: `/p${i}/${name || 'dir'}`, name })));
    assert.deepEqual(names, ['app', 'App-2', 'app-3', 'a_b', '_', 'dir', 'web']);
    assert.deepEqual(folderNames(given.map((n) => n || 'dir')), names);
  });

  it('resolves name/… into that root and maps back; the farm is "."', async () => {
    assert.equal((await multi.resolve('a/x.txt')).real, join(base, 'a', 'x.txt'));
    assert.equal((await multi.resolve('b/new/file.ts')).real, join(base, 'b', 'new', 'file.ts'));
    assert.equal((await multi.resolve(join(base, 'b', 'y'))).real, join(base, 'b', 'y'));
    assert.equal((await multi.resolve(join(multi.farm, 'a', 'x.txt'))).real, join(base, 'a', 'x.txt'));
    assert.equal((await multi.resolve('.')).real, multi.farm);
    assert.equal(multi.relative(join(base, 'a', 'x.txt')), 'a/x.txt');
    assert.equal(multi.relative(join(base, 'b')), 'b');
    assert.equal(multi.relative(multi.farm), '.');
    assert.equal(multi.relative(join(multi.farm, 'b', 'z')), 'b/z');
  });

  it('refuses paths that escape every root, name no folder, or go through a link out of their root', async () => {
    const refused = ['../x', 'a/../../out/secret', join(base, 'out', 'secret'), 'c/x', 'x.txt', 'a/escape/secret', 'a\0b', 'a/../b/../../etc'];
    for (const p of refused) await assert.rejects(multi.resolve(p), { name: 'ToolError' }, p);
    // A path that leaves one root for another through `..` is still inside the workspace: the other root.
    assert.equal((await multi.resolve('a/../b/y')).real, join(base, 'b', 'y'));
  });

  it('a journal on disk whose recorded roots differ from the workspace\'s is not loaded (a widened list would let reject write there)', async () => {
    const store = new JournalStore(multi.farm, join(base, 'journals'));
    store.roots = roots.map((r) => ({ name: r.name, real: r.real }));
    const manifest = (list: unknown) => JSON.stringify({ version: 1, runId: 'r', root: multi.farm, roots: list, pid: 1, task: 't', startedAt: 1, state: 'finished' });
    mkdirSync(join(base, 'journals', 'r', 'entries'), { recursive: true });
    writeFileSync(join(base, 'journals', 'r', 'manifest.json'), manifest([...store.roots, { name: 'etc', real: '/etc' }]));
    assert.equal(await store.get('r'), undefined);
    writeFileSync(join(base, 'journals', 'r', 'manifest.json'), manifest(store.roots));
    const j = await store.get('r');
    assert.ok(j);
    assert.equal(j.rootOf(join(base, 'b', 'q')), join(base, 'b'));
    assert.equal(j.rootOf('/etc/passwd'), multi.farm);
  });

  it('the folder of links is shared by servers over the same folders and repaired, never trusted', async () => {
    const farms = join(base, 'farms2');
    const [x, y] = await Promise.all([linkFarm(farms, roots), linkFarm(farms, roots)]);
    assert.equal(x, y);
    // Tampered: a link pointing elsewhere, a real folder in a link's place, a stray entry.
    rmSync(join(x, 'a'));
    symlinkSync(join(base, 'out'), join(x, 'a'));
    rmSync(join(x, 'b'));
    mkdirSync(join(x, 'b'));
    writeFileSync(join(x, 'stray'), 's');
    assert.equal(await linkFarm(farms, roots), x);
    assert.equal(realpathSync(join(x, 'a')), join(base, 'a'));
    assert.equal(realpathSync(join(x, 'b')), join(base, 'b'));
    assert.ok(!existsSync(join(x, 'stray')));
  });
});
