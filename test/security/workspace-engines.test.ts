// An untrusted repository must not supply the server's code. The server starts with the
// workspace as its working directory (cli/client.ts), and the engine loaders once looked for
// native/wasm/trigram.js and native/build/Release/swarm_index.node under the working directory
// too: a repository holding those files had its JavaScript run (require) or its shared library
// mapped (dlopen) as soon as the folder was opened, before any approval, wherever the package's
// own engine was missing. The loaders look beside the server bundle only.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type ServerHandle } from '../../cli/client';
import { IndexStatusRequest } from '../../server/protocol';
import { packageLayout, type PackageLayout } from '../support/package-layout';
import { tempDir } from '../support/server';

describe('security: a repository cannot supply the search engine', function () {
  this.timeout(60_000);
  let ws: ReturnType<typeof tempDir>;
  let layout: PackageLayout;
  let server: ServerHandle | undefined;

  before(() => {
    ws = tempDir('swarm-hostile-repo-');
    const marker = join(ws.path, 'PWNED');
    // A trigram.js that runs when required, next to a trigram.wasm.
    mkdirSync(join(ws.path, 'native/wasm'), { recursive: true });
    writeFileSync(join(ws.path, 'native/wasm/trigram.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = () => ({});\n`);
    writeFileSync(join(ws.path, 'native/wasm/trigram.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    // A "native addon" (not a shared library: dlopen would say so, naming the path it tried).
    mkdirSync(join(ws.path, 'native/build/Release'), { recursive: true });
    writeFileSync(join(ws.path, 'native/build/Release/swarm_index.node'), 'not an ELF file\n');
    // The installed package without its wasm: the loaders go on looking.
    layout = packageLayout({ wasm: 'missing' });
  });
  afterEach(async () => {
    await server?.shutdown();
    server = undefined;
  });
  after(() => {
    ws.cleanup();
    layout.cleanup();
  });

  it('opening the repository runs none of its files; the engine is ripgrep and names no workspace file', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ['SWARMCODE_SEARCH_ENGINE', 'SWARMCODE_NO_NATIVE', 'SWARMCODE_NO_WASM', 'SWARMCODE_WASM_PATH', 'SWARMCODE_NATIVE_PATH']) delete env[k];
    server = await startServer(ws.path, { apiKey: 'k', logLevel: 'warn' }, { serverPath: layout.serverPath, env });
    const search = server.engines!.search;
    assert.equal(search.engine, 'ripgrep');
    assert.deepEqual(search.fallbacks, ['native: native addon not built (run `npm install` or `node native/build.mjs`)', 'wasm: native/wasm/trigram.js or trigram.wasm missing']);
    const status = await server.connection.sendRequest(IndexStatusRequest, {});
    assert.ok(!status.detail.includes(ws.path), status.detail);
    assert.equal(existsSync(join(ws.path, 'PWNED')), false, 'the repository\'s trigram.js ran in the server');
  });
});
