// swarm/refactor, part 2: the project's test command (detected or configured), and which shards a
// failure points at.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Shard } from './refactor-plan';

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

/** npm/pnpm/yarn test, pytest, go test, cargo test — the first that fits the project; undefined when none. */
export async function detectTestCommand(root: string): Promise<string | undefined> {
  const pkg = await fs.readFile(path.join(root, 'package.json'), 'utf8').then((t) => JSON.parse(t) as { scripts?: Record<string, string> }, () => undefined);
  const test = pkg?.scripts?.test;
  if (test && !/no test specified/.test(test)) {
    if (await exists(path.join(root, 'pnpm-lock.yaml'))) return 'pnpm test';
    if (await exists(path.join(root, 'yarn.lock'))) return 'yarn test';
    return 'npm test';
  }
  if (await exists(path.join(root, 'Cargo.toml'))) return 'cargo test';
  if (await exists(path.join(root, 'go.mod'))) return 'go test ./...';
  for (const f of ['pytest.ini', 'conftest.py', 'tox.ini']) if (await exists(path.join(root, f))) return 'pytest -q';
  const pyproject = await fs.readFile(path.join(root, 'pyproject.toml'), 'utf8').catch(() => '');
  if (/\[tool\.pytest/.test(pyproject) || ((await exists(path.join(root, 'tests'))) && pyproject)) return 'pytest -q';
  return undefined;
}

/** Shards whose files (path or file name) the test output mentions. */
export function responsibleShards(output: string, shards: Shard[]): Shard[] {
  return shards.filter((s) => s.files.some((f) => output.includes(f) || new RegExp(`(^|[^\\w.-])${escape(path.posix.basename(f))}\\b`).test(output)));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
