// The engines in the server's `initialize` result (capabilities.experimental.swarmcode.engines),
// through the real spawned server: each search engine (native, wasm, ripgrep) and each symbols
// engine (native, wasm) forced with the environment variables, the fallbacks taken in a copy of
// the installed package where a part does not load (a truncated trigram.wasm, no wasm, a
// tree-sitter binding for another CPU), and what the CLI shows of them (doctor, run --verbose).
// Contract: LSP 3.17 InitializeResult.capabilities.experimental ("Experimental server
// capabilities", LSPAny) — where a server puts what the specification does not define.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { IndexStatusRequest, SearchRequest, SymbolsRequest, type EnginesInfo, type IndexStatusInfo } from '../../server/protocol';
import { loadNative } from '../../native/index';
import { startServer, type ServerHandle } from '../../cli/client';
import { makeCorpus, norm, rgOracle } from '../unit/index/corpus';
import { packageLayout, type PackageLayout } from '../support/package-layout';
import { ensureBuilt, ROOT, until } from '../support/server';
import { useSimServer } from '../support/sim-server';

const FIXTURES = join(__dirname, '..', 'unit', 'index', 'fixtures', 'symbols');
const ENGINE_VARS = ['SWARMCODE_SEARCH_ENGINE', 'SWARMCODE_SYMBOLS_ENGINE', 'SWARMCODE_NO_NATIVE', 'SWARMCODE_NO_WASM', 'SWARMCODE_WASM_PATH', 'SWARMCODE_NATIVE_PATH'];

/** This process's environment without any engine variable, plus `vars`. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ENGINE_VARS) delete env[k];
  return { ...env, ...vars };
}

/** The CLI as a child process, bounded in time. */
function cliRun(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

describe('protocol: the engines in the initialize result', function () {
  this.timeout(60_000);
  let ws: string;
  let server: ServerHandle | undefined;
  let layout: PackageLayout | undefined;
  const hasNative = !!loadNative().addon;

  before(() => {
    ensureBuilt();
    ws = makeCorpus();
    cpSync(FIXTURES, join(ws, 'fixtures'), { recursive: true });
  });
  afterEach(async () => {
    await server?.shutdown();
    layout?.cleanup();
    server = layout = undefined;
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  /**
   * The server's initialize result; `initialized` starts the index warm-up. cli/client's startServer,
   * not useSimServer(): a package copy's server path and `initialized: false` are not its to pass.
   */
  async function start(vars: Record<string, string>, opts: { serverPath?: string; initialized?: boolean } = {}): Promise<EnginesInfo> {
    server = await startServer(ws, { apiKey: 'k', logLevel: 'warn' }, { serverPath: opts.serverPath ?? join(ROOT, 'dist/server.js'), env: envWith(vars), initialized: opts.initialized ?? false });
    assert.ok(server.engines, 'initialize result has capabilities.experimental.swarmcode.engines');
    return server.engines;
  }

  describe('search engine, forced with the environment', () => {
    const CASES: { name: string; vars: Record<string, string>; engine: string; preference: string; fallbacks: RegExp[] }[] = [
      { name: 'SWARMCODE_SEARCH_ENGINE=native', vars: { SWARMCODE_SEARCH_ENGINE: 'native' }, engine: 'native', preference: 'native', fallbacks: [] },
      { name: 'SWARMCODE_SEARCH_ENGINE=wasm', vars: { SWARMCODE_SEARCH_ENGINE: 'wasm' }, engine: 'wasm', preference: 'wasm', fallbacks: [] },
      { name: 'SWARMCODE_SEARCH_ENGINE=ripgrep', vars: { SWARMCODE_SEARCH_ENGINE: 'ripgrep' }, engine: 'ripgrep', preference: 'ripgrep', fallbacks: [/^index: disabled \(ripgrep chosen\)$/] },
      { name: 'SWARMCODE_NO_NATIVE=1 (auto)', vars: { SWARMCODE_NO_NATIVE: '1' }, engine: 'wasm', preference: 'auto', fallbacks: [/^native: disabled by SWARMCODE_NO_NATIVE=1$/] },
      {
        name: 'SWARMCODE_NO_NATIVE=1 SWARMCODE_NO_WASM=1 (auto)',
        vars: { SWARMCODE_NO_NATIVE: '1', SWARMCODE_NO_WASM: '1' },
        engine: 'ripgrep',
        preference: 'auto',
        fallbacks: [/^native: disabled by SWARMCODE_NO_NATIVE=1$/, /^wasm: disabled by SWARMCODE_NO_WASM=1$/],
      },
    ];
    for (const c of CASES) {
      it(`${c.name}: ${c.engine}, the same as swarm/indexStatus reports`, async function () {
        if (c.engine === 'native' && !hasNative) this.skip();
        const { search } = await start(c.vars);
        assert.equal(search.engine, c.engine);
        assert.equal(search.preference, c.preference);
        assert.equal(search.fallbacks.length, c.fallbacks.length, JSON.stringify(search.fallbacks));
        c.fallbacks.forEach((re, i) => assert.match(search.fallbacks[i], re));
        if (c.engine === 'ripgrep') assert.equal(search.path, undefined);
        else assert.match(search.path!, c.engine === 'native' ? /swarm_index\.node$/ : /trigram\.js$/);
        const status = await server!.connection.sendRequest(IndexStatusRequest, {});
        assert.equal(status.engine, search.engine);
      });
    }

    it('an unknown SWARMCODE_SEARCH_ENGINE: auto, with a note naming the value', async () => {
      const { search } = await start({ SWARMCODE_SEARCH_ENGINE: 'grep\u001b[31m' });
      assert.equal(search.preference, 'auto');
      assert.equal(search.engine, hasNative ? 'native' : 'wasm');
      // The value is quoted (JSON): a control character in it reaches no terminal raw.
      assert.equal(search.note, 'SWARMCODE_SEARCH_ENGINE="grep\\u001b[31m" is not one of native, wasm, ripgrep, auto; using auto');
    });
  });

  describe('symbols engine, forced with the environment', () => {
    const CASES: { name: string; vars: Record<string, string>; engine: string; preference: string; note?: string }[] = [
      { name: 'default (auto)', vars: {}, engine: 'native', preference: 'auto' },
      { name: 'SWARMCODE_SYMBOLS_ENGINE=native', vars: { SWARMCODE_SYMBOLS_ENGINE: 'native' }, engine: 'native', preference: 'native', note: 'SWARMCODE_SYMBOLS_ENGINE=native' },
      { name: 'SWARMCODE_SYMBOLS_ENGINE=wasm', vars: { SWARMCODE_SYMBOLS_ENGINE: 'wasm' }, engine: 'wasm', preference: 'wasm', note: 'SWARMCODE_SYMBOLS_ENGINE=wasm' },
      { name: 'SWARMCODE_NO_NATIVE=1', vars: { SWARMCODE_NO_NATIVE: '1' }, engine: 'wasm', preference: 'wasm', note: 'SWARMCODE_NO_NATIVE=1' },
      { name: 'SWARMCODE_SYMBOLS_ENGINE=bogus', vars: { SWARMCODE_SYMBOLS_ENGINE: 'bogus' }, engine: 'native', preference: 'auto', note: 'SWARMCODE_SYMBOLS_ENGINE="bogus" is not wasm, native or auto; using auto' },
    ];
    for (const c of CASES) {
      it(`${c.name}: ${c.engine}, the engine swarm/symbols then parses with`, async () => {
        const { symbols } = await start(c.vars, { initialized: true });
        assert.deepEqual(symbols, { engine: c.engine, preference: c.preference, fallbacks: [], ...(c.note ? { note: c.note } : {}) });
        const res = await server!.connection.sendRequest(SymbolsRequest, { name: 'computeArea' });
        assert.equal(res.symbolsEngine, c.engine);
        assert.ok(res.defs.length > 0, JSON.stringify(res));
      });
    }
  });

  describe('in a copy of the package where a part does not load', () => {
    it('trigram.wasm cut short: ripgrep, the load error in initialize and indexStatus, searches answered as ripgrep answers', async () => {
      layout = packageLayout({ wasm: 'truncated' });
      const { search } = await start({}, { serverPath: layout.serverPath, initialized: true });
      assert.equal(search.engine, 'ripgrep');
      assert.match(search.fallbacks[0], /^native: native addon not built/);
      assert.match(search.fallbacks[1], /^wasm: failed to load .*trigram\.js: WebAssembly\.Module\(\)/);
      const status = await until<IndexStatusInfo>(() => server!.connection.sendRequest(IndexStatusRequest, {}), (s) => s.state === 'ready', 10_000, 'ready');
      assert.equal(status.engine, 'ripgrep');
      assert.match(status.detail, /wasm: failed to load .*WebAssembly\.Module\(\)/);
      for (const q of [{ query: 'needle' }, { query: 'ne+dle', regex: true }]) {
        const res = await server!.connection.sendRequest(SearchRequest, { maxResults: 100_000, ...q });
        assert.equal(res.engine, 'ripgrep');
        assert.deepEqual(norm(res.matches), norm(rgOracle(ws, q.query, q)));
      }
    });

    it('no trigram.wasm: ripgrep, and says the file is missing; the intact copy runs on wasm', async () => {
      layout = packageLayout({ wasm: 'missing' });
      const missing = await start({}, { serverPath: layout.serverPath });
      assert.equal(missing.search.engine, 'ripgrep');
      assert.match(missing.search.fallbacks[1], /^wasm: native\/wasm\/trigram\.js or trigram\.wasm missing$/);
      await server!.shutdown();
      layout.cleanup();
      layout = packageLayout({});
      const intact = await start({}, { serverPath: layout.serverPath });
      assert.equal(intact.search.engine, 'wasm');
      assert.equal(intact.search.path, join(layout.root, 'native/wasm/trigram.js'));
    });

    it('a tree-sitter binding for another CPU: symbols on wasm, the dlopen error as the fallback reason, and swarm/symbols answers', async () => {
      layout = packageLayout({ treeSitter: 'other-cpu' });
      const { symbols } = await start({}, { serverPath: layout.serverPath, initialized: true });
      assert.equal(symbols.engine, 'wasm');
      assert.equal(symbols.preference, 'auto');
      assert.equal(symbols.fallbacks.length, 1, JSON.stringify(symbols.fallbacks));
      assert.match(symbols.fallbacks[0], /^javascript: native: .*tree_sitter_runtime_binding\.node/);
      const res = await server!.connection.sendRequest(SymbolsRequest, { name: 'computeArea' });
      assert.equal(res.symbolsEngine, 'wasm');
      assert.ok(res.defs.length > 0, JSON.stringify(res));
    });
  });

  describe('a native binding cut short (an interrupted install) is passed over, not loaded', () => {
    // Before: dlopen mapped it and the server died of SIGBUS during initialize.
    it('tree-sitter: symbols on wasm, the reason names the file; the server keeps answering', async function () {
      layout = packageLayout({ treeSitter: 'cut' });
      const { symbols } = await start({}, { serverPath: layout.serverPath, initialized: true });
      assert.equal(symbols.engine, 'wasm');
      assert.equal(symbols.fallbacks.length, 1, JSON.stringify(symbols.fallbacks));
      assert.match(symbols.fallbacks[0], /^javascript: native: .*tree_sitter_runtime_binding\.node is cut short \(65536 bytes; its .* ends at byte \d+\)$/);
      const res = await server!.connection.sendRequest(SymbolsRequest, { name: 'computeArea' });
      assert.equal(res.symbolsEngine, 'wasm');
      assert.ok(res.defs.length > 0, JSON.stringify(res));
    });

    it('the search addon: search on wasm, the reason names the file', async function () {
      if (!hasNative) this.skip();
      layout = packageLayout({ nativeAddon: 'cut' });
      const { search } = await start({}, { serverPath: layout.serverPath });
      assert.equal(search.engine, 'wasm');
      assert.match(search.fallbacks[0], /^native: .*swarm_index\.node is cut short \(65536 bytes; /);
      const res = await server!.connection.sendRequest(SearchRequest, { query: 'needle', maxResults: 100_000 });
      assert.deepEqual(norm(res.matches), norm(rgOracle(ws, 'needle')));
    });
  });

  // The fixture for what the CLI needs: one simulator for the block, a temp folder per test.
  describe('the CLI shows them', () => {
    const ctx = useSimServer();
    before(() => ctx.startSim({}));

    // Spawned asynchronously: the simulator answers from this process.
    it('swarmcode run --verbose prints both engines and the fallback taken; without it nothing', async function () {
      this.timeout(120_000);
      const cli = join(ROOT, 'dist/cli.js');
      const small = ctx.ws;
      const args = ['run', '--base-url', ctx.sim.url, '--model', 'sim', '--workspace', small.path, 'say hi'];
      const env = envWith({ SWARMCODE_NO_NATIVE: '1', NO_COLOR: '1' });
      const verbose = await cliRun([cli, ...args.slice(0, 1), '--verbose', ...args.slice(1)], env);
      assert.equal(verbose.status, 0, verbose.stderr);
      const line = verbose.stderr.split('\n').find((l) => l.startsWith('engines: '));
      assert.ok(line, verbose.stderr);
      assert.match(line, /^engines: search wasm from .*trigram\.js \(native: disabled by SWARMCODE_NO_NATIVE=1\); symbols wasm \(SWARMCODE_NO_NATIVE=1\)$/);
      const quiet = await cliRun([cli, ...args.slice(0, -3), ws, 'say hi'], env);
      assert.equal(quiet.status, 0, quiet.stderr);
      assert.ok(!quiet.stderr.includes('engines:'), quiet.stderr);
    });

    it('swarmcode doctor: the search and symbols engines of a server started in the current directory', () => {
      const dir = ctx.ws;
      const dead = 'http://127.0.0.1:9/v1';
      const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'doctor', '--json', '--base-url', dead, '--model', 'm'], { encoding: 'utf8', cwd: dir.path, env: envWith({ SWARMCODE_SYMBOLS_ENGINE: 'wasm', SWARMCODE_SEARCH_ENGINE: 'ripgrep' }), timeout: 30_000 });
      const checks = JSON.parse(r.stdout) as { name: string; status: string; detail: string }[];
      assert.deepEqual(checks.find((c) => c.name === 'search engine'), { name: 'search engine', status: 'ok', detail: 'ripgrep (index: disabled (ripgrep chosen))' });
      assert.deepEqual(checks.find((c) => c.name === 'symbols engine'), { name: 'symbols engine', status: 'ok', detail: 'wasm (SWARMCODE_SYMBOLS_ENGINE=wasm)' });
      const bad = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'doctor', '--json', '--base-url', dead, '--model', 'm'], { encoding: 'utf8', cwd: dir.path, env: envWith({ SWARMCODE_SYMBOLS_ENGINE: 'tree' }), timeout: 30_000 });
      const sym = (JSON.parse(bad.stdout) as { name: string; status: string; fix?: string }[]).find((c) => c.name === 'symbols engine');
      assert.equal(sym?.status, 'warn');
      assert.match(sym?.fix ?? '', /SWARMCODE_SYMBOLS_ENGINE/);
    });
  });
});
