// The read-only git tool on a real repository.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { runTool } from '../../../server/tools/runner';
import { gitTool } from '../../../server/tools/git';
import { makeFixture, type Fixture } from '../tools/fixture';

describe('git tool', () => {
  let f: Fixture;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false', ...args], { cwd: f.dir }).toString();
  beforeEach(async () => {
    f = await makeFixture({ 'a.txt': 'one\n', 'b/c.txt': 'two\n' });
  });
  afterEach(() => f.cleanup());
  const call = (args: object) => runTool([gitTool], { name: 'git', arguments: JSON.stringify(args) }, f.ctx, new AbortController().signal);

  it('refuses outside a repository', async () => {
    const r = await call({ action: 'status' });
    assert.equal(r.ok, false);
    assert.match(String(r.output), /not a git repository/);
  });

  it('reports status and diff, limited to a path, and changes nothing', async () => {
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    await fs.writeFile(path.join(f.dir, 'a.txt'), 'one\nmore\n');
    await fs.writeFile(path.join(f.dir, 'b/c.txt'), 'TWO\n');
    await fs.writeFile(path.join(f.dir, 'new.txt'), 'x\n');
    const head = git('rev-parse', 'HEAD');
    const st = await call({ action: 'status' });
    assert.ok(st.ok, String(st.output));
    assert.match(String(st.output), / M a.txt/);
    assert.match(String(st.output), /\?\? new.txt/);
    const d = await call({ action: 'diff', path: 'b' });
    assert.match(String(d.output), /-two\n\+TWO/);
    assert.doesNotMatch(String(d.output), /a.txt/);
    assert.equal(git('rev-parse', 'HEAD'), head);
    assert.equal(git('diff', '--cached', '--name-only'), '');
    const bad = await call({ action: 'diff', path: '../x' });
    assert.match(String(bad.output), /outside the workspace/);
  });
});
