// The set-up most protocol and security suites share: a temp workspace, the model simulator and
// the spawned server bundle on it, all stopped and removed after each test (or after the suite).
import type { ServerSettings } from '../../server/protocol';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator';
import { startTestServer, tempDir, type TempDir, type TestServer } from './server';

export interface SimServer {
  /** The workspace: made before each test (`scope: 'suite'`: before the suite). */
  readonly ws: TempDir;
  /** The simulator started last. */
  readonly sim: Simulator;
  /** The server started last. */
  readonly server: TestServer;
  startSim(opts?: SimulatorOptions): Promise<Simulator>;
  /**
   * A server on the workspace (or `opts.workspace`) with the suite's settings, then `settings`;
   * `baseUrl` is the last simulator's. `opts.env`: its environment, as for startTestServer.
   */
  startServer(settings?: Partial<ServerSettings>, opts?: { env?: NodeJS.ProcessEnv; workspace?: string | string[] }): Promise<TestServer>;
  /** A simulator with `simOpts`, then a server on it. */
  start(simOpts?: SimulatorOptions, settings?: Partial<ServerSettings>, opts?: { env?: NodeJS.ProcessEnv; workspace?: string | string[] }): Promise<{ sim: Simulator; server: TestServer }>;
}

/**
 * Registers the hooks in the enclosing describe block. Everything started through the returned
 * object is stopped afterwards: servers shut down, then simulators closed, then the workspace removed.
 */
export function useSimServer(opts: { prefix?: string; settings?: Partial<ServerSettings>; scope?: 'test' | 'suite' } = {}): SimServer {
  let ws: TempDir | undefined;
  const sims: Simulator[] = [];
  const servers: TestServer[] = [];
  const [setUp, tearDown] = opts.scope === 'suite' ? [before, after] : [beforeEach, afterEach];
  setUp(() => {
    ws = tempDir(opts.prefix);
  });
  tearDown(async () => {
    for (const s of servers.splice(0)) await s.shutdown();
    for (const s of sims.splice(0)) await s.close();
    ws?.cleanup();
  });
  const last = <T>(list: T[], what: string): T => {
    if (!list.length) throw new Error(`useSimServer: no ${what} started`);
    return list.at(-1)!;
  };
  const fixture: SimServer = {
    get ws() {
      if (!ws) throw new Error('useSimServer: no workspace yet');
      return ws;
    },
    get sim() {
      return last(sims, 'simulator');
    },
    get server() {
      return last(servers, 'server');
    },
    async startSim(simOpts = {}) {
      const sim = await startSimulator(simOpts);
      sims.push(sim);
      return sim;
    },
    async startServer(settings = {}, { env, workspace } = {}) {
      const baseUrl = sims.at(-1)?.url;
      const server = await startTestServer(workspace ?? fixture.ws.path, { ...(baseUrl ? { baseUrl } : {}), ...opts.settings, ...settings }, env);
      servers.push(server);
      return server;
    },
    async start(simOpts, settings, serverOpts) {
      const sim = await fixture.startSim(simOpts);
      return { sim, server: await fixture.startServer(settings, serverOpts) };
    },
  };
  return fixture;
}
