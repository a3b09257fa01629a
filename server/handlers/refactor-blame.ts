// swarm/refactor, part 3: which shards a failing test run points at. Test runners name test files
// more often than source files (`node --test` prints the test file, `python3 -m unittest` the
// test module's traceback), so a failure is traced three ways, in order:
// 1. the output names a shard's file (path, or file name as a word);
// 2. the output names a test file: the shard files that test imports (relative require/import,
//    Python `from a.b import` / `import a.b`), narrowed, when several shards are imported, to
//    those whose changed identifiers the test file or the output mention;
// 3. no file helps: the shards whose changed identifiers the output mentions
//    (e.g. "ReferenceError: oldName is not defined").
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Shard } from './refactor-plan';

/** Identifiers a shard's change touched (added or removed lines), per shard id. */
export type ShardSymbols = Map<string, Set<string>>;

const SOURCE_EXT = 'js|mjs|cjs|jsx|ts|mts|cts|tsx|py|go|rs|java|kt|rb|php|cs|c|cc|cpp|h|hpp|swift';
const FILE_RE = new RegExp(`(?:file://)?((?:[A-Za-z]:)?[\\w./\\\\-]+\\.(?:${SOURCE_EXT}))\\b`, 'g');

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Workspace-relative files (that exist) the output names. */
async function namedFiles(output: string, root: string): Promise<string[]> {
  const out = new Set<string>();
  for (const m of output.matchAll(FILE_RE)) {
    let p = m[1].replace(/\\/g, '/');
    if (path.isAbsolute(p)) p = path.relative(root, p).split(path.sep).join('/');
    p = p.replace(/^\.\//, '');
    if (!p || p.startsWith('..')) continue;
    if (await fs.stat(path.join(root, p)).then((s) => s.isFile(), () => false)) out.add(p);
  }
  return [...out];
}

const JS_IMPORT = /(?:require\(\s*|import\s*\(\s*|from\s+|import\s+)['"]([^'"]+)['"]/g;
const PY_IMPORT = /^\s*(?:from\s+([\w.]+)\s+import\s+\(?([\w, ]*)|import\s+([\w.]+))/gm;
const JS_TRY = ['', '.js', '.ts', '.mjs', '.cjs', '.tsx', '.jsx', '/index.js', '/index.ts'];

/** Workspace-relative files a test file imports (relative JS/TS specifiers, Python modules). */
export async function importsOf(root: string, testFile: string): Promise<string[]> {
  const text = await fs.readFile(path.join(root, testFile), 'utf8').catch(() => '');
  const dir = path.posix.dirname(testFile);
  const out: string[] = [];
  const exists = (p: string) => fs.stat(path.join(root, p)).then((s) => s.isFile(), () => false);
  for (const m of text.matchAll(JS_IMPORT)) {
    if (!m[1].startsWith('.')) continue;
    const base = path.posix.normalize(path.posix.join(dir, m[1]));
    for (const ext of JS_TRY) {
      if (await exists(base + ext)) {
        out.push(base + ext);
        break;
      }
    }
  }
  if (testFile.endsWith('.py')) {
    for (const m of text.matchAll(PY_IMPORT)) {
      const mod = (m[1] ?? m[3]).replace(/^\.+/, '').split('.').join('/');
      for (const cand of [`${mod}.py`, `${mod}/__init__.py`, path.posix.join(dir, `${mod}.py`)]) {
        if (await exists(cand)) {
          out.push(cand);
          break;
        }
      }
      // `from pkg import mod`: the names may be modules of the package.
      for (const name of (m[2] ?? '').split(',').map((n) => n.trim().split(/\s/)[0]).filter(Boolean)) {
        if (await exists(`${mod}/${name}.py`)) out.push(`${mod}/${name}.py`);
      }
    }
  }
  return out;
}

export function mentions(text: string, symbols: Set<string> | undefined): boolean {
  if (!symbols) return false;
  for (const s of symbols) if (new RegExp(`\\b${escape(s)}\\b`).test(text)) return true;
  return false;
}

/** The shards a failing test output points at (see the header). */
export async function responsibleShards(output: string, shards: Shard[], root: string, symbols: ShardSymbols = new Map()): Promise<Shard[]> {
  const byFile = new Map<string, Shard>();
  for (const s of shards) for (const f of s.files) byFile.set(f, s);
  const blamed = new Set<Shard>();
  // 1. Source files named directly.
  for (const s of shards) {
    if (s.files.some((f) => output.includes(f) || new RegExp(`(^|[^\\w.-])${escape(path.posix.basename(f))}\\b`).test(output))) blamed.add(s);
  }
  if (blamed.size) return shards.filter((s) => blamed.has(s));
  // 2. Test files named: what they import, narrowed by the identifiers the shards changed.
  for (const test of await namedFiles(output, root)) {
    if (byFile.has(test)) continue;
    const imported = [...new Set((await importsOf(root, test)).map((f) => byFile.get(f)).filter((s): s is Shard => !!s))];
    if (imported.length <= 1) {
      imported.forEach((s) => blamed.add(s));
      continue;
    }
    const text = `${await fs.readFile(path.join(root, test), 'utf8').catch(() => '')}\n${output}`;
    const narrowed = imported.filter((s) => mentions(text, symbols.get(s.id)));
    (narrowed.length ? narrowed : imported).forEach((s) => blamed.add(s));
  }
  if (blamed.size) return shards.filter((s) => blamed.has(s));
  // 3. Only identifiers to go by.
  return shards.filter((s) => mentions(output, symbols.get(s.id)));
}

/** Identifiers on the changed lines of a file (checkpoint vs now), for `ShardSymbols`. */
export function changedIdentifiers(before: string, after: string): Set<string> {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  const lines = [...before.split('\n').filter((l) => !b.has(l)), ...after.split('\n').filter((l) => !a.has(l))];
  const out = new Set<string>();
  for (const l of lines) for (const m of l.matchAll(/[A-Za-z_$][\w$]{2,}/g)) out.add(m[0]);
  for (const kw of ['const', 'let', 'var', 'function', 'return', 'import', 'from', 'export', 'def', 'class', 'self', 'require', 'module', 'exports']) out.delete(kw);
  return out;
}
