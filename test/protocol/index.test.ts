// Codebase intelligence through the server: repo map in the shared prefix, find_symbol, swarm/search.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { SearchRequest } from '../../server/protocol';
import { script } from '../support/simulator';
import { useSimServer } from '../support/sim-server';

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('protocol: code index', function () {
  this.timeout(30_000);
  const ctx = useSimServer();

  beforeEach(() => {
    mkdirSync(join(ctx.ws.path, 'src'));
    writeFileSync(join(ctx.ws.path, 'src/billing.ts'), 'export function computeTotal(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}\n');
    writeFileSync(join(ctx.ws.path, 'src/cart.ts'), "import { computeTotal } from './billing';\nexport const cartTotal = () => computeTotal([1, 2]);\n");
  });

  it('puts the repo map in the shared prefix and answers find_symbol', async () => {
    const { sim, server } = await ctx.start({ respond: script([{ toolCalls: [{ name: 'find_symbol', arguments: { name: 'computeTotal' } }] }, { text: 'found' }]) }, { approval: 'always' });
    const result = await server.run({ task: 'Where is computeTotal defined?' });
    assert.equal(result.status, 'done', result.error);
    const system = String(sim.requests[0].body.messages[0].content);
    assert.match(system, /Repository map/);
    assert.match(system, /src\/billing\.ts/);
    assert.match(system, /computeTotal/);
    const out = server.events.get(result.runId)!.find((e) => e.type === 'tool_output');
    assert.ok(out && out.type === 'tool_output' && out.ok, JSON.stringify(out));
    assert.match(out.output, /src\/billing\.ts:1/);
    assert.match(out.output, /src\/cart\.ts/);
  });

  it('answers swarm/search with line and column', async () => {
    const { server } = await ctx.start({});
    const res = await server.connection.sendRequest(SearchRequest, { query: 'computeTotal(' });
    const paths = res.matches.map((m) => `${m.path}:${m.line}`).sort();
    assert.deepEqual(paths, ['src/billing.ts:1', 'src/cart.ts:2']);
    const billing = res.matches.find((m) => m.path === 'src/billing.ts')!;
    assert.equal(billing.column, 17);
    assert.equal(res.truncated, false);
    assert.ok(['native', 'wasm', 'ripgrep'].includes(res.engine));
  });

  it('searches the text of unsaved editor buffers, and the disk again once the buffer is closed', async () => {
    const { server } = await ctx.start({});
    const c = server.connection;
    const uri = pathToFileURL(join(ctx.ws.path, 'src/cart.ts')).href;
    const search = async (query: string) => {
      const res = await c.sendRequest(SearchRequest, { query });
      return { hits: res.matches.map((m) => `${m.path}:${m.line}`), engine: res.engine };
    };
    assert.deepEqual((await search('cartTotal')).hits, ['src/cart.ts:2']);
    const text = readFileSync(join(ctx.ws.path, 'src/cart.ts'), 'utf8');
    c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    c.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${text}export const unsavedMarker4412 = 1;\n` }] });
    await until(async () => (await search('unsavedMarker4412')).hits.join() === 'src/cart.ts:3', 10_000, 'the unsaved line is found');
    assert.ok(['native', 'wasm'].includes((await search('unsavedMarker4412')).engine), 'the index (native or wasm) answers');
    c.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await until(async () => (await search('unsavedMarker4412')).hits.length === 0, 10_000, 'the closed buffer is gone from the index');
    assert.deepEqual((await search('cartTotal')).hits, ['src/cart.ts:2']);
  });
});
