// The set-up most protocol and security suites share: a temp workspace, the model simulator and
// the spawned server bundle on it, stopped after each test; the workspace removed after the test
// (or, with `workspace: 'suite'`, made once for the suite and removed after it).
import type { ServerSettings } from '../../server/protocol';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator';
import { startTestServer, tempDir, type TempDir, type TestServer } from './server';

export interface SimServer {
  /** The workspace: made before each test (`workspace: 'suite'`: before the suite). */
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
 * Registers the hooks in the enclosing describe block. What a test starts through the returned
 * object is stopped after it: servers shut down, then simulators closed. `prefix`: the workspace's
 * temp folder prefix; `settings`: every server's settings, before the ones a test passes.
 */
export function useSimServer(opts: { prefix?: string; settings?: Partial<ServerSettings>; workspace?: 'test' | 'suite' } = {}): SimServer {
  let ws: TempDir | undefined;
  const sims: Simulator[] = [];
  const servers: TestServer[] = [];
  const perSuite = opts.workspace === 'suite';
  (perSuite ? before : beforeEach)(() => {
    ws = tempDir(opts.prefix);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.shutdown();
    for (const s of sims.splice(0)) await s.close();
    if (!perSuite) ws?.cleanup();
  });
  if (perSuite) after(() => ws?.cleanup());
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
