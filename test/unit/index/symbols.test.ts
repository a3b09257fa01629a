import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../server/log';
import { SymbolIndex } from '../../../server/index/symbols';
import { buildRepoMap, estimateTokens } from '../../../server/index/repo_map';
import { engineChoice, grammarFor, nativeGrammar, resetEngines, symbolsEngine } from '../../../server/index/symbols/engine';
import { extractTags } from '../../../server/index/symbols/tags';

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

/** Runs `fn` with SWARMCODE_SYMBOLS_ENGINE set (grammars reloaded), restoring it after. */
function withEngine(engine: string | undefined): { before(): void; after(): void } {
  let prev: string | undefined;
  return {
    before() {
      prev = process.env.SWARMCODE_SYMBOLS_ENGINE;
      if (engine === undefined) delete process.env.SWARMCODE_SYMBOLS_ENGINE;
      else process.env.SWARMCODE_SYMBOLS_ENGINE = engine;
      resetEngines();
    },
    after() {
      if (prev === undefined) delete process.env.SWARMCODE_SYMBOLS_ENGINE;
      else process.env.SWARMCODE_SYMBOLS_ENGINE = prev;
      resetEngines();
    },
  };
}

// Both engines run the same suite: the native binding and web-tree-sitter with the grammars' own .wasm.
for (const engine of ['native', 'wasm'] as const) describe(`server/index/symbols (tree-sitter tags, ${engine} engine)`, function () {
  this.timeout(30_000);
  let root: string;
  let index: SymbolIndex;
  const signal = new AbortController().signal;
  const env = withEngine(engine);
  before(async () => {
    env.before();
    root = mkdtempSync(join(tmpdir(), 'swarm-symbols-'));
    cpSync(FIXTURES, root, { recursive: true });
    index = new SymbolIndex(root, log);
    await index.ready(signal);
  });
  after(() => {
    env.after();
    rmSync(root, { recursive: true, force: true });
  });

  it(`reports the ${engine} engine`, async () => {
    assert.equal(await index.engine(), engine);
    assert.equal(index.files.size, readdirSync(FIXTURES).length, 'every fixture file parsed');
  });

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

// Texts where the engines could differ: columns after multi-byte characters (node tree-sitter
// and web-tree-sitter both parse UTF-16 and report columns in UTF-16 units / 2 bytes), CRLF, a BOM,
// and a deeply nested error tree whose tags query is cut off by QUERY_TIMEOUT_MICROS.
const HOSTILE: [string, string][] = [
  ['a.ts', 'const é = "日本語"; function ñandú(x: number) { return ñandú(x) }\r\n/* 😀😀 */ class Ü { m() {} }'],
  ['b.py', 'x = "😀"; def f(): pass\n'],
  ['c.rs', '\uFEFFfn main() { let 😀 = 1; main() }'],
  ['d.js', '['.repeat(20_000)],
];

describe('server/index/symbols: the native and WebAssembly engines agree', function () {
  this.timeout(60_000);
  const files = [...readdirSync(FIXTURES).map((f): [string, string] => [f, readFileSync(join(FIXTURES, f), 'utf8')]), ...HOSTILE];
  const tagsBy = async (engine: string) => {
    const env = withEngine(engine);
    env.before();
    try {
      const out: Record<string, unknown> = {};
      for (const [path, text] of files) out[path] = await extractTags(path, text, log);
      return out;
    } finally {
      env.after();
    }
  };

  it('gives the same tags for every fixture and hostile text', async () => {
    const native = await tagsBy('native');
    const wasm = await tagsBy('wasm');
    assert.deepEqual(wasm, native);
    const a = (native['a.ts'] as { name: string; line: number; column: number }[]).find((t) => t.name === 'ñandú')!;
    assert.deepEqual([a.line, a.column], [1, 27], 'columns count UTF-16 characters after 日本語, not bytes');
    assert.ok((native['b.py'] as unknown[]).length > 0);
  });

  it('per language: a grammar whose native binding does not load falls back to wasm, the others stay native', async () => {
    const env = withEngine(undefined);
    env.before();
    try {
      const lines: string[] = [];
      const spy = createLogger(() => 'info', (_l, line) => void lines.push(line));
      // As on linux-arm64, where tree-sitter-typescript's prebuild is an x86-64 file.
      const loadNative = (id: string) => {
        if (id === 'typescript') throw new Error('tree-sitter-typescript.node: wrong ELF class: ELFCLASS64 (x86-64)');
        return nativeGrammar(id as 'javascript');
      };
      const ts = await grammarFor('typescript', spy, process.env, loadNative);
      const js = await grammarFor('javascript', spy, process.env, loadNative);
      assert.equal(ts?.engine, 'wasm');
      assert.equal(js?.engine, 'native');
      assert.equal(await symbolsEngine(spy), 'native+wasm');
      assert.ok(lines.some((l) => /typescript: native tree-sitter does not load \(.*wrong ELF class.*\); using WebAssembly/.test(l)), lines.join('\n'));
      const tags = ts!.withMatches('function f() {}', (m) => m.length);
      assert.ok(tags > 0);
      // Forced native: no fallback, no symbols for that language, said in a warning.
      process.env.SWARMCODE_SYMBOLS_ENGINE = 'native';
      resetEngines();
      assert.equal(await grammarFor('typescript', spy, process.env, loadNative), null);
      assert.ok(lines.some((l) => /no symbols for typescript/.test(l)));
    } finally {
      env.after();
    }
  });

  it('reads the choice from SWARMCODE_SYMBOLS_ENGINE and SWARMCODE_NO_NATIVE', () => {
    assert.deepEqual(engineChoice({}), { choice: 'auto' });
    assert.equal(engineChoice({ SWARMCODE_SYMBOLS_ENGINE: ' WASM ' }).choice, 'wasm');
    assert.equal(engineChoice({ SWARMCODE_NO_NATIVE: '1', SWARMCODE_SYMBOLS_ENGINE: 'native' }).choice, 'wasm');
    const bad = engineChoice({ SWARMCODE_SYMBOLS_ENGINE: 'rust;rm -rf' });
    assert.equal(bad.choice, 'auto');
    assert.match(bad.note!, /not wasm, native or auto/);
  });
});
