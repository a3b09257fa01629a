import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../server/log';
import { SymbolIndex } from '../../../server/index/symbols';
import { buildRepoMap, estimateTokens } from '../../../server/index/repo_map';

const log = createLogger(() => 'error', () => {});
const FIXTURES = join(__dirname, 'fixtures', 'symbols');

// [file, a definition (name, kind), a reference name] per language.
const CASES: [string, string, string, string][] = [
  ['shapes.ts', 'computeArea', 'function', 'computeArea'],
  ['shapes.ts', 'Shape', 'interface', 'Circle'],
  ['button.tsx', 'label', 'function', 'label'],
  ['greet.js', 'greet', 'function', 'hello'],
  ['parser.py', 'tokenize', 'function', 'tokenize'],
  ['server.go', 'listen', 'function', 'listen'],
  ['engine.rs', 'ignite', 'function', 'ignite'],
  ['Store.java', 'flush', 'method', 'flush'],
  ['math.c', 'add', 'function', 'add'],
  ['vec.cpp', 'Vec', 'class', 'norm'],
];

describe('server/index/symbols (tree-sitter tags)', function () {
  this.timeout(30_000);
  let root: string;
  let index: SymbolIndex;
  const signal = new AbortController().signal;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'swarm-symbols-'));
    cpSync(FIXTURES, root, { recursive: true });
    index = new SymbolIndex(root, log);
    await index.ready(signal);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const [file, def, kind, ref] of CASES) {
    it(`${file}: definition ${def} (${kind}) and a reference to ${ref}`, () => {
      const d = index.find(def);
      const hit = d.defs.find((x) => x.path === file);
      assert.ok(hit, `no definition of ${def} in ${file}: ${JSON.stringify(index.files.get(file))}`);
      assert.equal(hit.kind, kind);
      assert.ok(hit.signature && hit.signature.length > 0);
      assert.ok(index.find(ref).refs.some((x) => x.path === file), `no reference to ${ref} in ${file}`);
    });
  }

  it('finds definitions with a kind filter and exact locations', () => {
    const { defs } = index.find('computeArea', 'function');
    assert.deepEqual(defs.map((d) => [d.path, d.line, d.column]), [['shapes.ts', 5, 17]]);
    assert.equal(index.find('computeArea', 'class').defs.length, 0);
  });

  it('updates incrementally when a file changes or disappears', async () => {
    writeFileSync(join(root, 'parser.py'), 'def tokenize_v2(s):\n    return s\n\ndef use():\n    tokenize_v2(1)\n');
    await index.update([join(root, 'parser.py')]);
    assert.equal(index.find('tokenize').defs.length, 0);
    assert.equal(index.find('tokenize_v2').defs[0].line, 1);
    assert.equal(index.find('tokenize_v2').refs[0].line, 5);
    rmSync(join(root, 'engine.rs'));
    await index.update([join(root, 'engine.rs')]);
    assert.equal(index.find('ignite').defs.length, 0);
  });

  it('builds a repo map ranked towards the focus and within the token budget', async () => {
    const full = await buildRepoMap(index, { maxTokens: 4000 }, signal);
    assert.match(full, /shapes\.ts:\n/);
    assert.match(full, /computeArea/);
    const small = await buildRepoMap(index, { maxTokens: 40, focusIdents: ['Store', 'flush'] }, signal);
    assert.ok(estimateTokens(small) <= 40, small);
    assert.match(small, /Store\.java/);
    const focused = await buildRepoMap(index, { maxTokens: 4000, focusFiles: ['shapes.ts'] }, signal);
    assert.doesNotMatch(focused, /^shapes\.ts:/m, 'files in the conversation are not repeated');
  });
});
