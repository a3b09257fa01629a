// The WebAssembly build of the trigram index (native/wasm, scripts/build-wasm.mjs): the committed
// build matches the C++ it claims to be built from, and it answers exactly as the addon does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join, resolve } from 'node:path';
import { loadNative, type NativeAddon, type NativeTrigramIndex, type LineSpec, type Plan } from '../../../native/index';
import { hostPath, loadWasm } from '../../../native/wasm';
import { listFiles } from '../../../server/index/ripgrep';
import { makeCorpus } from '../index/corpus';
// @ts-expect-error plain ESM script without types
import { emccAvailable, sourceHash, stampedHash, sources } from '../../../scripts/build-wasm.mjs';

const ROOT = resolve(__dirname, '../../..');

describe('native/wasm: the committed build is current', function () {
  this.timeout(300_000);

  it('trigram.stamp records the sha256 of the C++ sources and flags it was built from (rebuild: node scripts/build-wasm.mjs)', () => {
    assert.equal(stampedHash(), sourceHash(), 'native/wasm is stale: run `node scripts/build-wasm.mjs` (needs emcc) and commit native/wasm');
    const stamp = readFileSync(join(ROOT, 'native/wasm/trigram.stamp'), 'utf8');
    const wasm = readFileSync(join(ROOT, 'native/wasm/trigram.wasm'));
    assert.equal(/^wasm-sha256 (\w+)$/m.exec(stamp)?.[1], createHash('sha256').update(wasm).digest('hex'), 'trigram.wasm is not the one the stamp describes');
    assert.equal(wasm.subarray(0, 4).toString('latin1'), '\0asm');
  });

  it('the hash covers every C++ file the wasm is made of, so an edit makes the build stale', () => {
    const list: string[] = sources();
    assert.ok(list.includes(join('native', 'src', 'trigram_index.cc')) && list.includes(join('native', 'src', 'line_scan.h')) && list.includes(join('native', 'wasm', 'binding.cc')));
    assert.ok(!list.some((f) => f.endsWith('index_wrap.cc')), 'the N-API wrapper is not part of it');
    const dir = mkdtempSync(join(tmpdir(), 'swarmcode-wasm-'));
    try {
      cpSync(join(ROOT, 'native'), join(dir, 'native'), { recursive: true, filter: (p) => !p.includes(`${path.sep}build`) });
      assert.equal(sourceHash(dir), sourceHash());
      cpSync(join(ROOT, 'scripts', 'build-wasm.mjs'), join(dir, 'scripts', 'build-wasm.mjs'));
      const check = (args: string[], env: NodeJS.ProcessEnv = process.env) => spawnSync(process.execPath, [join(dir, 'scripts', 'build-wasm.mjs'), ...args], { encoding: 'utf8', env });
      assert.equal(check(['--check']).status, 0);
      appendFileSync(join(dir, 'native', 'src', 'posting_list.h'), '\n// edited\n');
      assert.notEqual(sourceHash(dir), sourceHash());
      const stale = check(['--check']);
      assert.equal(stale.status, 1);
      assert.match(stale.stdout, /stale/);
      // Stale and no emscripten: says what to install, builds nothing.
      const none = check([], { PATH: join(dir, 'empty') });
      assert.equal(none.status, 1);
      assert.match(none.stderr, /emcc not found.*apt-get install -y emscripten/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with emcc present, build-wasm.mjs --check agrees', function () {
    if (!emccAvailable()) this.skip();
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-wasm.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

describe('native/wasm answers as the addon does', function () {
  this.timeout(120_000);
  let root: string;
  let ixs: { native: NativeTrigramIndex; wasm: NativeTrigramIndex } | undefined;

  before(async function () {
    const n = loadNative();
    const w = loadWasm();
    assert.ok(w.addon, 'reason' in w ? w.reason : '');
    if (!n.addon) this.skip();
    root = makeCorpus();
    const rels = (await listFiles(root, new AbortController().signal)).sort();
    const build = async (a: NativeAddon) => {
      const ix = new a.TrigramIndex({ maxFileBytes: 200_000 });
      const { ids, statuses } = await ix.addFiles(rels, rels.map((r) => join(root, r)));
      return { ix, ids, statuses };
    };
    const [a, b] = [await build(n.addon), await build(w.addon!)];
    assert.deepEqual(Array.from(b.ids), Array.from(a.ids));
    assert.deepEqual(Array.from(b.statuses), Array.from(a.statuses));
    assert.ok(Array.from(a.statuses).includes(1), 'the corpus has a file read from disk per query (overflow)');
    ixs = { native: a.ix, wasm: b.ix };
  });
  after(() => {
    ixs?.wasm.dispose?.();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const both = <T>(fn: (ix: NativeTrigramIndex) => T): [T, T] => [fn(ixs!.native), fn(ixs!.wasm)];
  const same = <T>(fn: (ix: NativeTrigramIndex) => T, what: string) => {
    const [a, b] = both(fn);
    assert.deepEqual(b, a, what);
    return a;
  };

  it('candidates, literal matches and counts', () => {
    const plans: Plan[] = [
      { op: 'all' },
      { op: 'lit', s: 'needle' },
      { op: 'lit', s: 'Straße' },
      { op: 'and', args: [{ op: 'lit', s: 'alpha' }, { op: 'lit', s: 'beta' }] },
      { op: 'or', args: [{ op: 'lit', s: 'zzzzq' }, { op: 'lit', s: 'blocktoken' }] },
    ];
    for (const p of plans) same((ix) => Array.from(ix.candidates(p)), JSON.stringify(p));
    for (const needle of ['needle', '日本語', 'blocktoken', 'line 11999 ', 'a', '\r']) {
      const ids = ixs!.native.candidates({ op: 'lit', s: needle });
      for (const max of [1, 17, 100_000]) same((ix) => ix.findLiteral(ids, needle, max), `${needle} ${max}`);
      for (const cap of [3, 1e9]) same((ix) => ix.countLiteral(ids, needle, cap), `${needle} cap ${cap}`);
    }
  });

  it('candidate lines: literals, byte runs, windows of long lines, risk budget, resumed scans', () => {
    const digits = new Uint8Array(256).fill(1, 0x30, 0x3a);
    const word = new Uint8Array(256).fill(1, 0x61, 0x7b);
    const specs: LineSpec[] = [
      { plan: { op: 'lit', s: 'needle' } },
      { plan: { op: 'lit', s: 'needle' }, ci: true },
      { plan: { op: 'all' }, runLen: 4, runSet: digits },
      { plan: { op: 'lit', s: 'Error' }, fixedLen: 20, reachSets: word, headChars: 64 },
      { plan: { op: 'lit', s: 'fetch(' }, riskSet: word, riskPower: 2, riskBudget: 1000 },
    ];
    for (const spec of specs) {
      const ids = ixs!.native.candidates(spec.plan);
      const walk = (ix: NativeTrigramIndex) => {
        const pages = [];
        let pos: number | { file: number; off: number; line: number } = 0;
        for (let k = 0; k < 200; k++) {
          const r = ix.candidateLines(ids, pos, spec, 7, 5000);
          pages.push(r);
          if (r.next >= ids.length) break;
          pos = { file: r.next, off: r.nextOff, line: r.nextLine };
        }
        return pages;
      };
      same(walk, JSON.stringify(spec.plan));
    }
  });

  it('contents, long-line files, updates from buffers, removals and stats', () => {
    for (const id of [0, 5, 50]) same((ix) => ix.content(id), `content ${id}`);
    same((ix) => Array.from(ix.longLineFiles(4000)), 'longLineFiles');
    same((ix) => ix.upsert('src/lib.ts', join(root, 'src/lib.ts'), Buffer.from('héllo\nneedle from a buffer\n')), 'upsert');
    same((ix) => ix.remove('unicode.txt'), 'remove');
    same((ix) => ix.findLiteral(ix.candidates({ op: 'lit', s: 'needle' }), 'needle', 1000), 'after updates');
    same((ix) => ix.upsert('bin.dat', '/nonexistent', Buffer.from('a\0b')), 'binary buffer');
    same((ix) => ix.upsert('gone.txt', join(root, 'no-such-file'), undefined), 'unreadable');
    both((ix) => ix.compact());
    // The file table's bytes depend on pointer size (wasm32: 4 bytes): all else is equal.
    const [a, b] = both((ix) => ix.stats());
    const { metaBytes: ma, totalBytes: ta, ...ra } = a;
    const { metaBytes: mb, totalBytes: tb, ...rb } = b;
    assert.deepEqual(rb, ra);
    assert.ok(mb > 0 && mb <= ma && tb - mb === ta - ma, `${mb} ${ma}`);
  });

  it('hostile input: bad plans are TypeErrors and leave the index usable', () => {
    for (const bad of [{ op: 'nope' }, { op: 'and', args: 'x' }, null] as unknown as Plan[]) {
      const [a, b] = both((ix) => {
        try {
          ix.candidates(bad);
          return 'ok';
        } catch (err) {
          return (err as Error).name;
        }
      });
      assert.equal(a, 'TypeError');
      assert.equal(b, a);
    }
    let deep: Plan = { op: 'lit', s: 'x' };
    for (let i = 0; i < 100; i++) deep = { op: 'and', args: [deep] };
    assert.throws(() => ixs!.wasm.candidates(deep), TypeError);
    same((ix) => ix.findLiteral(ix.candidates({ op: 'lit', s: 'needle' }), 'needle', 3).texts, 'still answers');
  });
});

describe('native/wasm hostPath: what emscripten NODERAWFS is given', () => {
  it('POSIX paths unchanged; Windows drive paths relative to the process directory, forward slashes', () => {
    assert.equal(hostPath('/a/b c/d.ts', path.posix), '/a/b c/d.ts');
    assert.equal(hostPath('C:\\work\\repo\\src\\a.ts', path.win32, 'C:\\work'), 'repo/src/a.ts');
    assert.equal(hostPath('C:\\other\\x.ts', path.win32, 'C:\\work\\repo'), '../../other/x.ts');
    // Another drive cannot be made relative: passed as is (with forward slashes).
    assert.equal(hostPath('D:\\x\\y.ts', path.win32, 'C:\\work'), 'D:/x/y.ts');
  });
});
