import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNative, FILE_STATUS, type NativeAddon } from '../../../native/index';
import { loadWasm } from '../../../native/wasm';

// The same cases for the addon (skipped where it was not compiled) and the WebAssembly build.
for (const [label, load] of [['native/ swarm_index addon', loadNative], ['native/wasm trigram index (WebAssembly)', loadWasm]] as const)
describe(label, () => {
  let addon: NativeAddon;
  let dir: string;
  before(function () {
    const r = load();
    if (!r.addon && load === loadNative) this.skip();
    assert.ok(r.addon, 'reason' in r ? r.reason : '');
    addon = r.addon!;
    dir = mkdtempSync(join(tmpdir(), 'swarm-native-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, data: string | Buffer) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };

  it('indexes, classifies binary and oversized files, and still searches oversized ones from disk', async () => {
    const ix = new addon.TrigramIndex({ maxFileBytes: 1000 });
    const rels = ['a.txt', 'b.bin', 'big.txt'];
    const abss = [file('a.txt', 'hello world\nfoo Needle bar\n'), file('b.bin', Buffer.from('Needle\0x')), file('big.txt', `${'x'.repeat(2000)}\nNeedle at line 2\n`)];
    const { ids, statuses } = await ix.addFiles(rels, abss);
    assert.deepEqual(Array.from(statuses, (s) => FILE_STATUS[s]), ['indexed', 'binary', 'overflow']);
    assert.equal(ids[1], 0xffffffff);
    const c = ix.candidates({ op: 'lit', s: 'Needle' });
    assert.deepEqual(Array.from(c), [ids[0], ids[2]]);
    const m = ix.findLiteral(c, 'Needle', 10);
    assert.deepEqual(Array.from(m.lines), [2, 2]);
    assert.deepEqual(Array.from(m.columns), [5, 1]);
    assert.deepEqual(m.texts, ['foo Needle bar', 'Needle at line 2']);
    // Trigrams fold ASCII case: the plan for "needle" finds the same file; verification is exact.
    assert.deepEqual(Array.from(ix.candidates({ op: 'lit', s: 'nEEdle' })), [ids[0], ids[2]]);
    assert.equal(ix.findLiteral(ix.candidates({ op: 'lit', s: 'needle' }), 'needle', 10).ids.length, 0);
  });

  it('counts literal lines and non-overlapping matches, up to a line cap', async () => {
    const ix = new addon.TrigramIndex();
    const abss = [file('c1.txt', 'aaa aa\nzz\naaaa\n'), file('c2.txt', 'aa\naa\naa\n')];
    const { ids } = await ix.addFiles(['c1.txt', 'c2.txt'], abss);
    const all = ix.countLiteral(ids, 'aa', 1e9);
    assert.deepEqual([Array.from(all.lines), Array.from(all.matches), all.capped], [[2, 3], [4, 3], false]);
    const capped = ix.countLiteral(ids, 'aa', 3);
    assert.equal(capped.capped, true);
    assert.equal(Array.from(capped.lines).reduce((a, b) => a + b, 0), 3);
  });

  it('returns candidate lines and resumes inside a file', async () => {
    const ix = new addon.TrigramIndex();
    const lines = Array.from({ length: 6 }, (_, i) => (i % 2 ? `skip ${i}` : `take_me ${i}`));
    const { ids } = await ix.addFiles(['r1.txt', 'r2.txt'], [file('r1.txt', lines.join('\n') + '\n'), file('r2.txt', 'take_me last\r\n')]);
    const spec = { plan: { op: 'lit', s: 'take_me' } as const };
    const seen: string[] = [];
    let pos: number | { file: number; off: number; line: number } = 0;
    for (let calls = 0; calls < 10; calls++) {
      const r = ix.candidateLines(ids, pos, spec, 1, 0xffffffff);
      r.texts.forEach((t, k) => seen.push(`${r.ids[k]}:${r.lines[k]}:${t}`));
      if (r.next >= ids.length) break;
      pos = { file: r.next, off: r.nextOff, line: r.nextLine };
    }
    assert.deepEqual(seen, [`${ids[0]}:1:take_me 0`, `${ids[0]}:3:take_me 2`, `${ids[0]}:5:take_me 4`, `${ids[1]}:1:take_me last\r`]);
    // A byte-run prefilter without literals: lines holding 4 digits in a row.
    const run = new Uint8Array(256).fill(1, 0x30, 0x3a);
    const d = ix.candidateLines(ids, 0, { plan: { op: 'all' }, runLen: 4, runSet: run }, 100, 0xffffffff);
    assert.equal(d.ids.length, 0);
  });

  it('evaluates AND/OR plans and reports truncation', async () => {
    const ix = new addon.TrigramIndex();
    for (let i = 0; i < 5; i++) ix.upsert(`f${i}`, '/nonexistent', Buffer.from(`alpha ${i % 2 ? 'beta' : 'gamma'}\nalpha again\n`));
    assert.deepEqual(Array.from(ix.candidates({ op: 'and', args: [{ op: 'lit', s: 'alpha' }, { op: 'lit', s: 'beta' }] })), [1, 3]);
    assert.deepEqual(Array.from(ix.candidates({ op: 'or', args: [{ op: 'lit', s: 'zzzz' }, { op: 'lit', s: 'beta' }] })), [1, 3]);
    assert.equal(ix.candidates({ op: 'lit', s: 'zzzz' }).length, 0);
    assert.equal(ix.candidates({ op: 'all' }).length, 5);
    const r = ix.findLiteral(ix.candidates({ op: 'lit', s: 'alpha' }), 'alpha', 7);
    assert.equal(r.ids.length, 7);
    assert.equal(r.truncated, true);
  });

  it('updates and removes files, compacts tombstones and keeps memory near the text size', () => {
    const ix = new addon.TrigramIndex();
    const text = Array.from({ length: 2000 }, (_, i) => `line ${i} function value${i * 7919} = compute(${i});`).join('\n');
    ix.upsert('x.ts', '/nonexistent', Buffer.from(text));
    const s0 = ix.stats();
    assert.equal(s0.contentBytes, Buffer.byteLength(text));
    assert.ok(s0.postings > 100 && s0.trigrams > 100 && s0.totalBytes > s0.contentBytes);
    ix.upsert('x.ts', '/nonexistent', Buffer.from('replaced content'));
    assert.equal(ix.candidates({ op: 'lit', s: 'compute' }).length, 0);
    assert.equal(ix.candidates({ op: 'lit', s: 'replaced' }).length, 1);
    assert.equal(ix.stats().deadFiles, 1);
    ix.compact();
    assert.ok(ix.stats().postings < s0.postings);
    assert.equal(ix.remove('x.ts'), true);
    assert.equal(ix.remove('x.ts'), false);
    assert.equal(ix.candidates({ op: 'all' }).length, 0);
    assert.equal(ix.content(0), undefined);
  });

  it('moves files past the memory cap to disk reads instead of dropping them', async () => {
    const ix = new addon.TrigramIndex({ memoryCapBytes: 64 * 1024 });
    const rels: string[] = [];
    const abss: string[] = [];
    for (let i = 0; i < 20; i++) {
      rels.push(`m${i}.txt`);
      abss.push(file(`m${i}.txt`, `${'word '.repeat(2000)}\nunique${i}\n`));
    }
    const { statuses } = await ix.addFiles(rels, abss);
    const names = Array.from(statuses, (s) => FILE_STATUS[s]);
    assert.ok(names.includes('indexed') && names.includes('overflow'), names.join());
    const s = ix.stats();
    assert.ok(s.contentBytes <= 64 * 1024, String(s.contentBytes));
    // unique19 lives in an overflow file: still found.
    const r = ix.findLiteral(ix.candidates({ op: 'lit', s: 'unique19' }), 'unique19', 10);
    assert.deepEqual(r.texts, ['unique19']);
  });

  it('reports why when disabled', () => {
    const name = load === loadNative ? 'SWARMCODE_NO_NATIVE' : 'SWARMCODE_NO_WASM';
    const prev = process.env[name];
    process.env[name] = '1';
    try {
      const r = load();
      assert.equal(r.addon, undefined);
      assert.match((r as { reason: string }).reason, new RegExp(name));
    } finally {
      if (prev === undefined) delete process.env[name];
      else process.env[name] = prev;
    }
  });
});
