// swarm/refactor, part 2: the project's test command (detected or configured), and which shards a
// failure points at (refactor-blame.ts).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}

/** npm/pnpm/yarn test, pytest, go test, cargo test, python3 -m unittest — the first that fits the project; undefined when none. */
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
  // test_*.py files at the root or in tests/ / test/ (unittest discovery's default pattern):
  // `python3 -m unittest` when they use unittest and not pytest, else pytest.
  for (const dir of ['.', 'tests', 'test']) {
    const names = (await fs.readdir(path.join(root, dir)).catch(() => [] as string[])).filter((n) => /^test.*\.py$/.test(n));
    if (!names.length) continue;
    const texts = await Promise.all(names.map((n) => fs.readFile(path.join(root, dir, n), 'utf8').catch(() => '')));
    const pytest = texts.some((t) => /^\s*(import pytest|from pytest\b)/m.test(t));
    const unittest = texts.some((t) => /^\s*(import unittest|from unittest\b)/m.test(t));
    if (pytest || !unittest) return 'pytest -q';
    return dir === '.' ? 'python3 -m unittest' : `python3 -m unittest discover -s ${dir} -t .`;
  }
  return undefined;
}
