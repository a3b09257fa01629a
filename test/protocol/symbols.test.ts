// The symbol index through the real server, on both tree-sitter engines: the native binding
// (prebuilds / local build) and the WebAssembly fallback, forced with SWARMCODE_NO_NATIVE=1
// (as the search index honours it) or SWARMCODE_SYMBOLS_ENGINE=wasm. Same workspace, same answers.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { SymbolsRequest, type SymbolsResultInfo } from '../../server/protocol';
import { script } from '../support/simulator';
import { useSimServer } from '../support/sim-server';

const FIXTURES = join(__dirname, '..', 'unit', 'index', 'fixtures', 'symbols');
// A definition and a reference per language of the fixtures.
const NAMES = ['computeArea', 'Shape', 'Circle', 'label', 'greet', 'hello', 'tokenize', 'listen', 'ignite', 'flush', 'add', 'Vec', 'norm'];

const ENGINES: { name: string; env: Record<string, string>; expect: SymbolsResultInfo['symbolsEngine'] }[] = [
  { name: 'native (default)', env: {}, expect: 'native' },
  { name: 'SWARMCODE_NO_NATIVE=1', env: { SWARMCODE_NO_NATIVE: '1' }, expect: 'wasm' },
  { name: 'SWARMCODE_SYMBOLS_ENGINE=wasm', env: { SWARMCODE_SYMBOLS_ENGINE: 'wasm' }, expect: 'wasm' },
];

describe('protocol: symbols on the native and the WebAssembly engine', function () {
  this.timeout(60_000);
  const ctx = useSimServer({ workspace: 'suite' });
  const answers = new Map<string, Record<string, unknown>>();

  before(() => cpSync(FIXTURES, ctx.ws.path, { recursive: true }));

  for (const engine of ENGINES) {
    it(`${engine.name}: swarm/symbols answers and reports symbolsEngine ${engine.expect}; find_symbol works in a run`, async () => {
      const { server } = await ctx.start({ respond: script([{ toolCalls: [{ name: 'find_symbol', arguments: { name: 'tokenize' } }] }, { text: 'found' }]) }, { approval: 'always', logLevel: 'info' }, { env: { ...process.env, ...engine.env } });
      const logs: string[] = [];
      server.connection.onNotification('window/logMessage', (p: { message: string }) => void logs.push(p.message));
      const got: Record<string, unknown> = {};
      for (const name of NAMES) {
        const r: SymbolsResultInfo = await server.connection.sendRequest(SymbolsRequest, { name });
        assert.equal(r.symbolsEngine, engine.expect);
        assert.ok(r.defs.length + r.refs.length > 0, `${name}: nothing found`);
        got[name] = { defs: r.defs, refs: r.refs };
      }
      answers.set(engine.name, got);
      const result = await server.run({ task: 'Where is tokenize defined?' });
      assert.equal(result.status, 'done', result.error);
      const out = server.events.get(result.runId)!.find((e) => e.type === 'tool_output');
      assert.ok(out && out.type === 'tool_output' && out.ok, JSON.stringify(out));
      assert.match(out.output, /parser\.py:\d+:\d+ +function/);
      assert.ok(logs.some((l) => l.includes(`(engine ${engine.expect})`)), `the server logs its engine:\n${logs.join('\n')}`);
    });
  }

  it('gives the same symbols on every engine', function () {
    if (answers.size !== ENGINES.length) this.skip();
    const [first, ...rest] = [...answers.values()];
    for (const other of rest) assert.deepEqual(other, first);
  });

  it('answers -32602 for hostile params, and the server keeps serving', async () => {
    const server = await ctx.startServer({ baseUrl: 'http://127.0.0.1:9' });
    for (const bad of [{}, { name: '' }, { name: 7 }, { name: 'x'.repeat(5000) }, { name: 'add', kind: { $ne: 1 } }]) {
      await assert.rejects(server.connection.sendRequest(SymbolsRequest, bad as never), (e: { code?: number }) => e.code === -32602);
    }
    const r = await server.connection.sendRequest(SymbolsRequest, { name: 'add', kind: 'function' });
    assert.deepEqual(r.defs.map((d) => `${d.path}:${d.line}`), ['math.c:2']);
  });
});
