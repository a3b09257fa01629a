import assert from 'node:assert/strict';
import { rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../../server/log';
import { createSearch, type Search } from '../../../server/index/search';
import { makeCorpus, norm, rgOracle, rgOrdered } from './corpus';

const LITERALS = ['needle', 'héllo', 'Straße', '日本語', '😀', 'foo_bar', 'Error', 'x', 'ab', 'TypeError', 'needle here', 'NEEDLE', 'a needle', '4567', 'end'];
const REGEXES = [
  'ne+dle',
  '^needle',
  'needle$',
  'end$',
  '\\bneedle\\b',
  '[A-Z][a-z]+Error',
  'h.llo',
  '\\d{3}',
  '(foo|bar)_?[Bb]ar',
  '\\w+ö',
  'Stra(ß|ss)e',
  'función|naïve',
  '^\\s+\\w+',
  '[^a-z ]+',
  '(?i)needle',
  'gamma\\s+delta',
  '\\p{Han}+',
  '\\W\\d',
  'x?y?z?',
  '^$',
];

function quietLog() {
  const lines: string[] = [];
  return { log: createLogger(() => 'debug', (_l, line) => lines.push(line)), lines };
}

// The same suite for both builds of the trigram index: the addon (skipped where it was not
// compiled) and the WebAssembly build (committed, so it always runs).
for (const engine of ['native', 'wasm'] as const)
describe(`server/index/search (${engine} trigram index vs ripgrep)`, function () {
  this.timeout(60_000);
  let root: string;
  let search: Search;
  const ctl = new AbortController();

  before(async function () {
    root = makeCorpus();
    search = createSearch({ root }, quietLog().log, { engine });
    const ok = await search.ready();
    if (!ok && engine === 'native') this.skip();
    assert.ok(ok, `the ${engine} index builds`);
    assert.equal(search.engine().engine, engine);
  });
  after(() => {
    search?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  async function same(query: string, regex: boolean, glob?: string) {
    const r = await search.search({ query, regex, glob, maxResults: 100_000 }, ctl.signal);
    assert.equal(r.engine, engine, `engine for ${query}`);
    assert.equal(r.truncated, false);
    assert.deepEqual(norm(r.matches), norm(rgOracle(root, query, { regex, glob })), `${regex ? 'regex' : 'literal'} ${JSON.stringify(query)} glob=${glob}`);
    return r;
  }

  it('skips binary, ignored files; includes hidden, CRLF, no-EOL, long lines', async () => {
    const r = await same('needle', false);
    const paths = new Set(r.matches.map((m) => m.path));
    assert.ok(!paths.has('bin/data.bin') && !paths.has('ignored/skip.ts') && !paths.has('debug.log'));
    assert.ok(paths.has('.hidden/dot.ts') && paths.has('crlf.txt') && paths.has('noeol.txt') && paths.has('long.txt'));
    const long = r.matches.find((m) => m.path === 'long.txt' && m.line === 1)!;
    assert.equal(long.column, 50_001);
    assert.ok(long.text.length <= 2000);
  });

  it('literal queries match ripgrep', async () => {
    for (const q of LITERALS) await same(q, false);
  });

  it('regex queries match ripgrep', async () => {
    for (const q of REGEXES) await same(q, true);
  });

  it('long minified lines (windows around literals, backtracking budget) match ripgrep', async () => {
    for (const q of ['class \\w+Error extends', 'TODO|FIXME', '\\bfetch\\(', 'require\\(.fs.\\)', '[A-Z_]{12,}', 'Error\\b', '\\w+Error$', 'LINE$', 'fetch\\($', 'E\\d+Error\\b', '\\d+\\.\\d+\\.\\d+', 'a\\d{2,3}=require', 'w+$', '\\bw{10,}E', 'NEEDLE_Q+$', 'x=\\d+']) {
      await same(q, true);
      await same(q, true, 'dist/**');
    }
  });

  it('large files (searched block by block) match ripgrep', async () => {
    for (const q of ['blocktoken', 'Blocktoken here', 'line 11999 ', 'line 0 ']) {
      await same(q, false);
      await same(q, false, 'big/**');
    }
    for (const q of ['blocktoken\\d+', '(?i)BLOCKTOKEN\\d', 'blocktoken\\d+ Blocktoken here$', '^line 5\\d\\d\\d ']) await same(q, true, 'big/**');
  });

  it('globs match ripgrep', async () => {
    for (const g of ['*.ts', 'gen/d1/**', '!*.md', '*.{py,txt}', 'src/*.ts']) await same('needle', false, g);
    await same('fooBar|beta', true, '*.py');
  });

  it('maxResults truncates in path order', async () => {
    const all = rgOracle(root, 'alpha', {});
    const r = await search.search({ query: 'alpha', maxResults: 10 }, ctl.signal);
    assert.equal(r.truncated, true);
    assert.deepEqual(norm(r.matches), norm(all).slice(0, 10));
  });

  it("returns matches in ripgrep's --sort path order (folders before 'a-b', 'a.txt')", async () => {
    for (const [q, regex] of [['order_token', false], ['order_\\w+ in', true], ['needle', false]] as const) {
      const want = rgOrdered(root, q, { regex });
      for (const max of [3, 7, 100_000]) {
        const r = await search.search({ query: q, regex, maxResults: max }, ctl.signal);
        assert.deepEqual(r.matches.map((m) => `${m.path}:${m.line}:${m.column}`), want.slice(0, max), `${q} max ${max}`);
      }
    }
  });

  it('regex maxResults truncates in path order (scans resume inside files)', async () => {
    for (const q of ['needle', 'resume_token \\d', 'resume_token\\b', 'blocktoken\\d+', 'line \\d+ alpha', '\\w+Error', 'E\\d+Error\\b']) {
      const all = norm(rgOracle(root, q, { regex: true }));
      for (const max of [1, 5, 16, 17, 33, 150, 400]) {
        const r = await search.search({ query: q, regex: true, maxResults: max }, ctl.signal);
        assert.equal(r.engine, engine);
        assert.deepEqual(norm(r.matches), all.slice(0, max), `${q} max ${max}`);
        assert.equal(r.truncated, all.length > max, `${q} max ${max} truncated`);
      }
    }
  });

  it('stays equal to ripgrep after adding, modifying and deleting files', async () => {
    writeFileSync(join(root, 'src/lib.ts'), 'export const moved = 1;\nconst freshNeedle = "needle";\n');
    mkdirSync(join(root, 'newdir'), { recursive: true });
    writeFileSync(join(root, 'newdir/new.ts'), 'a brand new needle\r\nfreshNeedle again\n');
    writeFileSync(join(root, 'ignored/new.ts'), 'freshNeedle ignored\n');
    writeFileSync(join(root, 'late.log'), 'freshNeedle in a log\n');
    unlinkSync(join(root, 'unicode.txt'));
    search.update(['src/lib.ts', 'newdir/new.ts', 'ignored/new.ts', 'late.log', 'unicode.txt'].map((p) => join(root, p)));
    await search.flush();
    for (const q of ['needle', 'freshNeedle', 'Straße', 'moved']) await same(q, false);
    for (const q of ['fresh\\w+', '^export', 'needle"?;?$']) await same(q, true);
    // And back: modify again (the old ids are tombstoned).
    writeFileSync(join(root, 'src/lib.ts'), 'needle needle\n');
    search.update([join(root, 'src/lib.ts')]);
    await search.flush();
    await same('needle', false);
    await same('moved', false);
  });

  it('hands regexes outside the native subset to ripgrep', async () => {
    for (const q of ['(?m)^needle', '(\\w+)+x', '(?:a|ab)*needle']) {
      const r = await search.search({ query: q, regex: true, maxResults: 100_000 }, ctl.signal);
      assert.equal(r.engine, 'ripgrep', q);
      assert.deepEqual(norm(r.matches), norm(rgOracle(root, q, { regex: true })), q);
    }
  });

  it('case-insensitive regexes fold like ripgrep (KELVIN SIGN, LONG S); repeats inside bounded repeats', async () => {
    for (const q of ['(?i)5k', '(?i)ask', '(?i)stra', '(?i)temperature 5k', '(?i)\\bask\\b', '(?:E\\d+Error extends Error\\{\\};fetch\\(u\\d+\\);){1,2}', 'a\\d+=(?:require\\("\\w+"\\);?){1,2}class']) await same(q, true);
  });

  it('reports bounded index memory', () => {
    const s = search.stats();
    assert.equal(s.engine, engine);
    assert.ok(s.index!.totalBytes > s.index!.contentBytes);
    assert.ok(s.index!.indexedFiles > 100);
  });
});

describe('server/index/search when folders cannot all be watched', function () {
  this.timeout(60_000);
  let root: string;
  before(() => {
    root = makeCorpus();
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('does not trust the index (changes could go unseen): ripgrep answers, and the log says why', async function () {
    const { log, lines } = quietLog();
    const s = createSearch({ root }, log, { maxWatchedFolders: 2 });
    if (!(await s.ready())) this.skip();
    const r = await s.search({ query: 'needle', maxResults: 100_000 }, new AbortController().signal);
    assert.equal(r.engine, 'ripgrep');
    assert.deepEqual(norm(r.matches), norm(rgOracle(root, 'needle')));
    assert.equal(await s.warm(), undefined);
    assert.ok(lines.some((l) => /cannot watch every folder.*ripgrep answers/.test(l)), lines.join('\n'));
    s.dispose();
  });
});

describe('server/index/search engine fallback: native, then wasm, then ripgrep', function () {
  this.timeout(60_000);
  let root: string;
  const saved: Record<string, string | undefined> = {};
  const VARS = ['SWARMCODE_NO_NATIVE', 'SWARMCODE_NO_WASM', 'SWARMCODE_SEARCH_ENGINE'];
  before(() => {
    root = makeCorpus();
    for (const v of VARS) saved[v] = process.env[v];
  });
  afterEach(() => {
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  async function check(env: Record<string, string>, want: 'wasm' | 'ripgrep', why: RegExp) {
    for (const v of VARS) delete process.env[v];
    Object.assign(process.env, env);
    const { log, lines } = quietLog();
    const s = createSearch({ root }, log);
    try {
      assert.equal(await s.ready(), want !== 'ripgrep');
      assert.equal(s.engine().engine, want);
      assert.match(s.engine().detail, why);
      assert.ok(lines.some((l) => new RegExp(`search: engine ${want}`).test(l) && why.test(l)), lines.join('\n'));
      for (const [q, regex] of [['needle', false], ['Stra(ß|ss)e', true]] as const) {
        const r = await s.search({ query: q, regex, maxResults: 100_000 }, new AbortController().signal);
        assert.equal(r.engine, want);
        assert.deepEqual(norm(r.matches), norm(rgOracle(root, q, { regex })));
      }
      const r = await s.search({ query: 'alpha', maxResults: 3 }, new AbortController().signal);
      assert.equal(r.matches.length, 3);
      assert.equal(r.truncated, true);
    } finally {
      s.dispose();
    }
  }

  it('SWARMCODE_NO_NATIVE=1: the WebAssembly index answers, and the log says why', () => check({ SWARMCODE_NO_NATIVE: '1' }, 'wasm', /native: disabled by SWARMCODE_NO_NATIVE=1/));
  it('SWARMCODE_NO_NATIVE=1 and SWARMCODE_NO_WASM=1: ripgrep answers, and the log says why', () =>
    check({ SWARMCODE_NO_NATIVE: '1', SWARMCODE_NO_WASM: '1' }, 'ripgrep', /native: disabled.*wasm: disabled by SWARMCODE_NO_WASM=1/));
  it('SWARMCODE_SEARCH_ENGINE=wasm skips the addon; =ripgrep skips both', async () => {
    await check({ SWARMCODE_SEARCH_ENGINE: 'wasm' }, 'wasm', /^[^;]*trigram\.js$/);
    await check({ SWARMCODE_SEARCH_ENGINE: 'ripgrep' }, 'ripgrep', /ripgrep chosen/);
  });
  it('an unknown SWARMCODE_SEARCH_ENGINE is reported and auto is used', () => {
    process.env.SWARMCODE_SEARCH_ENGINE = 'grep';
    const { log, lines } = quietLog();
    const s = createSearch({ root }, log, { watch: false });
    assert.ok(lines.some((l) => /SWARMCODE_SEARCH_ENGINE="grep" is not one of/.test(l)), lines.join('\n'));
    assert.notEqual(s.engine().engine, 'ripgrep');
    s.dispose();
  });
});
