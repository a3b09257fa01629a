// `swarmcode run --workspace A --workspace B`: a multi-root workspace (every folder a root, sent as
// LSP workspaceFolders); one --workspace (or none: the current directory) stays single-root.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunArgs, UsageError } from '../../../cli/run';

describe('cli: run --workspace, repeated', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'swarmcode-runws-'));
    for (const d of ['a', 'b']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'file.txt'), 'x');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = { MOONSHOT_API_KEY: 'k' };

  it('several folders become the workspaces; one stays a single root', () => {
    const two = parseRunArgs(['--workspace', join(dir, 'a'), '--workspace', join(dir, 'b'), 'task'], env);
    assert.deepEqual(two.workspaces, [join(dir, 'a'), join(dir, 'b')]);
    assert.equal(two.workspace, join(dir, 'a'));
    const one = parseRunArgs(['--workspace', join(dir, 'a'), 'task'], env);
    assert.equal(one.workspaces, undefined);
    assert.equal(one.workspace, join(dir, 'a'));
  });

  it('a missing folder or a file among them is a usage error naming it', () => {
    assert.throws(() => parseRunArgs(['--workspace', join(dir, 'a'), '--workspace', join(dir, 'nope'), 't'], env), (e: Error) => e instanceof UsageError && e.message.includes('nope'));
    assert.throws(() => parseRunArgs(['--workspace', join(dir, 'a'), '--workspace', join(dir, 'file.txt'), 't'], env), (e: Error) => e instanceof UsageError && /not a directory/.test(e.message));
  });
});
