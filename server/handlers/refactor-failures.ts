// swarm/refactor: which tests failed, read from the test runner's output, each with the part of
// the output about it. Formats (each checked against the runner's own output):
// - `node --test`, TAP reporter (Node 20/22 when stdout is not a TTY): `not ok N - name` then a
//   YAML block with `location: '/abs/test.js:L:C'` (nodejs.org/api/test.html#test-reporters);
//   a file that fails to load is `not ok N - /abs/file.test.js`.
// - `node --test`, spec reporter (Node 23+ default): a `✖ failing tests:` list of
//   `test at test/x.test.js:L:C` lines, each followed by its error.
// - mocha: after `N failing`, blocks `1) suite\n  test:\n  Error…\n  at … (test/x.test.js:L:C)`.
// - pytest: `FAILED tests/test_x.py::test_y - …` / `ERROR tests/test_x.py` (short test summary).
// - `python3 -m unittest`: `FAIL: test_y (test_x.T.test_y)` / `ERROR: test_x
//   (unittest.loader._FailedTest.test_x)` headers between `====` rules, then the traceback with
//   `File "/abs/path.py", line N` frames (docs.python.org/3/library/unittest.html).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface FailingTest {
  /** Workspace-relative test file. */
  file: string;
  /** The output about this failure (its error, stack or traceback). */
  block: string;
}

const SOURCE_EXT = 'js|mjs|cjs|jsx|ts|mts|cts|tsx|py|go|rs|java|kt|rb|php|cs|c|cc|cpp|h|hpp|swift';
const FILE_RE = new RegExp(`(?:file://)?((?:[A-Za-z]:)?[\\w./\\\\@+-]+\\.(?:${SOURCE_EXT}))\\b`, 'g');

/** Workspace-relative files (that exist) a text names, in order of appearance. */
export async function filesNamed(text: string, root: string): Promise<string[]> {
  const out = new Set<string>();
  for (const m of text.matchAll(FILE_RE)) {
    const rel = toRelative(m[1], root);
    if (rel && !out.has(rel) && (await isFile(path.join(root, rel)))) out.add(rel);
  }
  return [...out];
}

/**
 * Files of the stack frames a failure shows, innermost first: JS stacks (`at fn (/abs/f.js:L:C)`,
 * TAP's `stack: |-` lines without `at`) list the innermost frame first, Python tracebacks
 * (`File "/abs/f.py", line N`) last.
 */
export async function frameFiles(block: string, root: string): Promise<string[]> {
  const js = [...block.matchAll(/(?:\(|\bat |^\s+)((?:file:\/\/)?[^\s()'"]+?\.[cm]?[jt]sx?):\d+:\d+\)?/gm)].map((m) => m[1].replace(/^file:\/\//, ''));
  const py = [...block.matchAll(/^\s*File "(.+?)", line \d+/gm)].map((m) => m[1]).reverse();
  const out: string[] = [];
  for (const f of [...js, ...py]) {
    const rel = toRelative(f, root);
    if (rel && !out.includes(rel) && (await isFile(path.join(root, rel)))) out.push(rel);
  }
  return out;
}

function toRelative(p: string, root: string): string | undefined {
  let r = p.replace(/\\/g, '/');
  if (path.isAbsolute(r) || /^[A-Za-z]:\//.test(r)) r = path.relative(root, r).split(path.sep).join('/');
  r = r.replace(/^\.\//, '');
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : undefined;
}

function isFile(p: string): Promise<boolean> {
  return fs.stat(p).then((s) => s.isFile(), () => false);
}

const TEST_NAME = /(^|\/)(test_[^/]*\.py|[^/]*_test\.py|[^/]*\.(test|spec)\.[cm]?[jt]sx?)$|(^|\/)(tests?|__tests__|spec)\//;

export function looksLikeTest(rel: string): boolean {
  return TEST_NAME.test(rel);
}

/** Blocks of `lines` that start where `start` matches and end before the next start or `stop`. */
function blocks(lines: string[], start: RegExp, stop?: RegExp): string[][] {
  const out: string[][] = [];
  let cur: string[] | undefined;
  for (const l of lines) {
    if (start.test(l)) {
      cur = [l];
      out.push(cur);
    } else if (cur && stop?.test(l)) cur = undefined;
    else cur?.push(l);
  }
  return out;
}

/** Python module `a.b.c` (or a prefix of it) → its file under root, tests/ or test/. */
async function moduleFile(dotted: string, root: string): Promise<string | undefined> {
  const parts = dotted.split('.').slice(0, 8);
  for (let n = parts.length; n > 0; n--) {
    const mod = parts.slice(0, n).join('/');
    for (const dir of ['', 'tests/', 'test/']) if (await isFile(path.join(root, `${dir}${mod}.py`))) return `${dir}${mod}.py`;
  }
  return undefined;
}

/** The failing tests an output reports; empty when it names none the parsers know. */
export async function failingTests(output: string, root: string): Promise<FailingTest[]> {
  const lines = output.split(/\r?\n/);
  const found: FailingTest[] = [];
  const add = async (candidates: string[], block: string[]) => {
    for (const c of candidates) {
      const rel = toRelative(c, root);
      if (rel && (await isFile(path.join(root, rel)))) {
        found.push({ file: rel, block: block.join('\n') });
        return;
      }
    }
  };
  // node --test, TAP: a `not ok` test up to the next test line.
  for (const b of blocks(lines, /^\s*not ok \d+ - /, /^\s*(ok \d+ - |# Subtest:)/)) {
    const loc = b.map((l) => /^\s*location: '(.+?):\d+:\d+'/.exec(l)?.[1]).filter((x): x is string => !!x);
    await add([...loc, b[0].replace(/^\s*not ok \d+ - /, '').trim()], b);
  }
  // node --test, spec: `test at FILE:L:C` lines in the failing-tests summary.
  for (const b of blocks(lines, /^\s*test at .+:\d+:\d+\s*$/)) await add([/test at (.+):\d+:\d+/.exec(b[0])![1].replace(/^file:\/\//, '')], b);
  // mocha: numbered blocks after `N failing`; the first test file in the stack.
  const failingAt = lines.findIndex((l) => /^\s*\d+ failing\s*$/.test(l));
  if (failingAt >= 0) {
    for (const b of blocks(lines.slice(failingAt + 1), /^\s*\d+\) /)) {
      const named = [...b.join('\n').matchAll(FILE_RE)].map((m) => m[1]).filter((f) => looksLikeTest(toRelative(f, root) ?? ''));
      await add(named, b);
    }
  }
  // pytest's short summary.
  for (const l of lines) {
    const m = /^(?:FAILED|ERROR) ([^\s:]+\.py)(?:::|\s|$)/.exec(l);
    if (m) await add([m[1]], [l, ...pytestSection(lines, l)]);
  }
  // unittest: FAIL:/ERROR: headers, up to the next rule.
  for (const b of blocks(lines, /^(FAIL|ERROR): \S+ \(/, /^={20,}$|^Ran \d+ tests? in /)) {
    const m = /^(?:FAIL|ERROR): (\S+) \(([\w.]+)\)/.exec(b[0])!;
    const frames = b.map((l) => /^\s*File "(.+?)", line \d+/.exec(l)?.[1]).filter((x): x is string => !!x);
    const dotted = m[2].startsWith('unittest.loader.') ? m[1] : m[2];
    const mod = await moduleFile(dotted, root);
    await add([...(mod ? [mod] : []), ...frames.filter((f) => looksLikeTest(toRelative(f, root) ?? ''))], b);
  }
  // One entry per file, blocks joined.
  const byFile = new Map<string, string[]>();
  for (const f of found) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f.block]);
  return [...byFile].map(([file, bs]) => ({ file, block: bs.join('\n') }));
}

/** pytest: the `___ name ___` section of the long report for a summary line's test, if any. */
function pytestSection(lines: string[], summary: string): string[] {
  const name = /::(\S+)/.exec(summary)?.[1];
  if (!name) return [];
  const start = lines.findIndex((l) => new RegExp(`^_{3,} .*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.* _{3,}$`).test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && /^(_{3,} .* _{3,}|={3,} .* ={3,})$/.test(l));
  return lines.slice(start, end < 0 ? undefined : end);
}
