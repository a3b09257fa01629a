// The WebAssembly trigram index failing inside the real server process: its linear memory
// capped with V8's --wasm-max-mem-pages (a real limit on memory.grow, as a host short of memory
// or a 32-bit address space imposes), so the module aborts when it must grow — while building
// the index of a large workspace, or while answering a search whose matches need more memory.
// The server must answer that search (and every later one) with ripgrep, say so in
// swarm/indexStatus, and answer exactly as ripgrep answers (the oracle: `rg` run here).
// Contract: WebAssembly JS API, Memory.grow ("If … the growth fails, throw a RangeError"); the
// emscripten runtime turns the failed allocation into abort(), a WebAssembly.RuntimeError.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IndexStatusRequest, SearchRequest, type IndexStatusInfo } from '../../server/protocol';
import type { ServerHandle } from '../../cli/client';
import { norm, rgOracle, rgOrdered } from '../unit/index/corpus';
import { useSimServer } from '../support/sim-server';
import { until } from '../support/server';

/** 64 KiB pages: the module starts with 512 (INITIAL_MEMORY 32 MiB, scripts/build-wasm.mjs). */
const MAX_PAGES = 600;

/** Writes `files` files of 20 000 lines each (~1.2 MiB) under `root`, with one `needle` line per file. */
function fill(root: string, files: number): void {
  mkdirSync(join(root, 'src'));
  for (let i = 0; i < files; i++) {
    const lines: string[] = [];
    for (let j = 0; j < 20_000; j++) lines.push(j === 777 + i ? `const needle${i} = 'needle';` : `line ${i} ${j} token alpha beta gamma delta epsilon zeta eta theta`);
    writeFileSync(join(root, 'src', `f${String(i).padStart(2, '0')}.txt`), `${lines.join('\n')}\n`);
  }
}

describe('protocol: the WebAssembly index fails (memory capped), ripgrep answers', function () {
  this.timeout(120_000);
  const ctx = useSimServer({ prefix: 'swarm-wasm-fault-' });
  const savedArgs = process.env.SWARMCODE_SERVER_NODE_ARGS;

  /** A server on the workspace, its wasm index's memory capped. */
  async function start(): Promise<ServerHandle> {
    const env: NodeJS.ProcessEnv = { ...process.env, SWARMCODE_SEARCH_ENGINE: 'wasm' };
    delete env.SWARMCODE_NO_WASM;
    delete env.SWARMCODE_WASM_PATH;
    // startServer passes SWARMCODE_SERVER_NODE_ARGS (of this process) to the server's node.
    process.env.SWARMCODE_SERVER_NODE_ARGS = `--wasm-max-mem-pages=${MAX_PAGES}`;
    try {
      return await ctx.startServer({ apiKey: 'k', logLevel: 'warn' }, { env });
    } finally {
      if (savedArgs === undefined) delete process.env.SWARMCODE_SERVER_NODE_ARGS;
      else process.env.SWARMCODE_SERVER_NODE_ARGS = savedArgs;
    }
  }

  const status = (s: ServerHandle) => s.connection.sendRequest(IndexStatusRequest, {});

  async function answersLikeRipgrep(s: ServerHandle, root: string): Promise<void> {
    for (const q of [{ query: 'needle' }, { query: 'needle\\d+ =', regex: true }]) {
      const res = await s.connection.sendRequest(SearchRequest, { maxResults: 100_000, ...q });
      assert.equal(res.engine, 'ripgrep', JSON.stringify(q));
      assert.deepEqual(norm(res.matches), norm(rgOracle(root, q.query, q)), JSON.stringify(q));
      assert.equal(res.truncated, false);
    }
  }

  it('a search that needs more memory than the cap: that search, and the later ones, answered by ripgrep; indexStatus says failed', async () => {
    const ws = ctx.ws;
    fill(ws.path, 8); // ~10 MiB: the index fits in the initial 32 MiB
    const s = await start();
    const built = await until<IndexStatusInfo>(() => status(s), (st) => st.state !== 'building' && st.state !== 'idle', 60_000, 'the index is built');
    assert.equal(built.state, 'ready', JSON.stringify(built));
    assert.equal(built.engine, 'wasm');
    const small = await s.connection.sendRequest(SearchRequest, { query: 'needle', maxResults: 100_000 });
    assert.equal(small.engine, 'wasm');
    assert.deepEqual(norm(small.matches), norm(rgOracle(ws.path, 'needle')));

    // 160 000 matching lines: their texts do not fit under the cap.
    const big = await s.connection.sendRequest(SearchRequest, { query: 'line', maxResults: 100_000 });
    assert.equal(big.engine, 'ripgrep');
    assert.equal(big.truncated, true);
    assert.deepEqual(big.matches.map((m) => `${m.path}:${m.line}:${m.column}`), rgOrdered(ws.path, 'line').slice(0, 100_000));

    const failed = await status(s);
    assert.equal(failed.engine, 'wasm');
    assert.equal(failed.state, 'failed');
    assert.match(failed.detail, /^wasm index failed: wasm trigram index failed: Aborted\(\)/);
    await answersLikeRipgrep(s, ws.path);
    // A file changed after the failure is seen (ripgrep reads the disk; no stale index answers).
    writeFileSync(join(ws.path, 'src', 'new.txt'), 'const needle99 = 1;\n');
    await answersLikeRipgrep(s, ws.path);
    assert.ok(!s.stderr.join('').includes('unhandled'), s.stderr.join(''));
    assert.equal(s.child.exitCode, null, 'the server is still running');
  });

  it('a workspace whose index does not fit under the cap: the build fails, indexStatus says so, ripgrep answers', async () => {
    const ws = ctx.ws;
    fill(ws.path, 28); // ~34 MiB of text
    const s = await start();
    const st = await until<IndexStatusInfo>(() => status(s), (x) => x.state !== 'building' && x.state !== 'idle', 60_000, 'the build ends');
    assert.equal(st.engine, 'wasm');
    assert.equal(st.state, 'failed', JSON.stringify(st));
    assert.match(st.detail, /^wasm index failed: .*Aborted\(\)/);
    assert.equal(st.files, undefined);
    await answersLikeRipgrep(s, ws.path);
    assert.equal(s.child.exitCode, null, 'the server is still running');
  });
});
