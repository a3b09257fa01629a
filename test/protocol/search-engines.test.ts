// swarm/search through a real spawned server on each engine (issue 15): the native addon (where
// it was built), the WebAssembly build (SWARMCODE_NO_NATIVE=1), ripgrep alone (both disabled).
// Each reports its engine in swarm/indexStatus and in every result, and all three return what
// ripgrep itself returns (the oracle: `rg --json`, the flags the facade passes).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IndexStatusRequest, SearchRequest, type IndexStatusInfo } from '../../server/protocol';
import { loadNative } from '../../native/index';
import { makeCorpus, norm, rgOracle, rgOrdered } from '../unit/index/corpus';
import { startSimulator, type Simulator } from '../support/simulator';
import { ensureBuilt, ROOT, startTestServer, type TestServer, until } from '../support/server';

const QUERIES: { query: string; regex?: boolean; glob?: string; maxResults?: number }[] = [
  { query: 'needle' },
  { query: 'Straße' },
  { query: 'TypeError', glob: '*.ts' },
  { query: 'ne+dle', regex: true },
  { query: '\\bneedle\\b', regex: true },
  { query: 'class \\w+Error extends', regex: true, glob: 'dist/**' },
  { query: 'blocktoken\\d+', regex: true },
  { query: '(?i)stra', regex: true },
  { query: 'alpha', maxResults: 7 },
];

const CONFIGS = [
  { name: 'native', env: {} as Record<string, string> },
  { name: 'wasm', env: { SWARMCODE_NO_NATIVE: '1' } },
  { name: 'ripgrep', env: { SWARMCODE_NO_NATIVE: '1', SWARMCODE_NO_WASM: '1' } },
] as const;

describe('protocol: swarm/search on each engine (native, WebAssembly, ripgrep)', function () {
  this.timeout(60_000);
  let root: string;
  let sim: Simulator;
  const answers = new Map<string, string[][]>();

  before(async () => {
    root = makeCorpus();
    sim = await startSimulator();
  });
  after(async () => {
    await sim?.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const cfg of CONFIGS) {
    describe(`engine ${cfg.name}`, () => {
      let server: TestServer | undefined;
      afterEach(async () => {
        await server?.shutdown();
        server = undefined;
      });

      it(`reports the engine, answers like ripgrep${cfg.name === 'ripgrep' ? '' : ', and sees unsaved buffers'}`, async function () {
        if (cfg.name === 'native' && !loadNative().addon) this.skip();
        const env: NodeJS.ProcessEnv = { ...process.env, ...cfg.env };
        delete env.SWARMCODE_SEARCH_ENGINE;
        if (cfg.name === 'native') delete env.SWARMCODE_NO_NATIVE;
        server = await startTestServer(root, { baseUrl: sim.url }, env);
        const c = server.connection;
        const status = await until<IndexStatusInfo>(() => c.sendRequest(IndexStatusRequest, {}), (s) => s.state !== 'building' && s.state !== 'idle', 30_000, 'the index is built');
        assert.equal(status.engine, cfg.name);
        assert.equal(status.state, 'ready');
        if (cfg.name === 'ripgrep') assert.match(status.detail, /native: disabled by SWARMCODE_NO_NATIVE=1; wasm: disabled by SWARMCODE_NO_WASM=1/);
        else assert.ok(status.files! > 100 && status.indexBytes! > 0, JSON.stringify(status));
        if (cfg.name === 'wasm') assert.match(status.detail, /native: disabled by SWARMCODE_NO_NATIVE=1/);

        const got: string[][] = [];
        for (const q of QUERIES) {
          const res = await c.sendRequest(SearchRequest, { maxResults: 100_000, ...q });
          assert.equal(res.engine, cfg.name, JSON.stringify(q));
          if (q.maxResults) {
            // Cut in ripgrep's --sort path order.
            const order = rgOrdered(root, q.query, q);
            assert.deepEqual(res.matches.map((m) => `${m.path}:${m.line}:${m.column}`), order.slice(0, q.maxResults));
            assert.equal(res.truncated, order.length > q.maxResults);
          } else {
            assert.deepEqual(norm(res.matches), norm(rgOracle(root, q.query, q)), JSON.stringify(q));
            assert.equal(res.truncated, false);
          }
          got.push(norm(res.matches));
        }
        answers.set(cfg.name, got);

        // An unsaved editor buffer is searched in place of the disk (the index's upsert path;
        // ripgrep reads the disk only).
        if (cfg.name === 'ripgrep') return;
        const uri = pathToFileURL(join(root, 'src/lib.ts')).href;
        const text = readFileSync(join(root, 'src/lib.ts'), 'utf8');
        c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
        c.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${text}export const unsavedMarker77 = 1;\n` }] });
        const hit = await until(() => c.sendRequest(SearchRequest, { query: 'unsavedMarker77' }), (r) => r.matches.length === 1, 10_000, 'the unsaved line is found');
        assert.equal(`${hit.matches[0].path}:${hit.matches[0].line}`, 'src/lib.ts:4');
        assert.equal(hit.engine, cfg.name);
        c.sendNotification('textDocument/didClose', { textDocument: { uri } });
        await until(() => c.sendRequest(SearchRequest, { query: 'unsavedMarker77' }), (r) => r.matches.length === 0, 10_000, 'the closed buffer is gone');
      });
    });
  }

  describe('swarmcode doctor', () => {
    it('names the engine the server would use, and why the others were passed over', async function () {
      ensureBuilt();
      const dead = await startSimulator();
      const url = dead.url;
      await dead.close();
      for (const cfg of CONFIGS) {
        if (cfg.name === 'native' && !loadNative().addon) continue;
        const env: NodeJS.ProcessEnv = { ...process.env, ...cfg.env };
        delete env.SWARMCODE_SEARCH_ENGINE;
        if (cfg.name === 'native') delete env.SWARMCODE_NO_NATIVE;
        // The endpoint is down (its checks fail, exit 1); the search check runs regardless.
        const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'doctor', '--json', '--base-url', url, '--model', 'm'], { encoding: 'utf8', env, timeout: 30_000 });
        assert.equal(r.status, 1, r.stderr);
        const check = (JSON.parse(r.stdout) as { name: string; status: string; detail: string }[]).find((c) => c.name === 'search engine');
        assert.ok(check, r.stdout);
        assert.match(check.detail, new RegExp(`^${cfg.name}\\b`));
        assert.equal(check.status, cfg.name === 'ripgrep' ? 'warn' : 'ok');
        if (cfg.name !== 'native') assert.match(check.detail, /native: disabled by SWARMCODE_NO_NATIVE=1/);
      }
    });
  });

  describe('together', () => {
    it('every engine that ran returned the same matches', function () {
      if (answers.size < 2) this.skip();
      const [first, ...rest] = [...answers.entries()];
      for (const [name, got] of rest) assert.deepEqual(got, first[1], `${name} vs ${first[0]}`);
    });
  });
});
