// The set-up most protocol and security suites share: a temp workspace, the model simulator and
// the spawned server bundle on it, each stopped or removed when its test (or suite) is over.
import type { ServerSettings } from '../../server/protocol';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator';
import { startTestServer, tempDir, type TempDir, type TestServer } from './server';

type ServerOpts = { env?: NodeJS.ProcessEnv; workspace?: string | string[] };

export interface SimServer {
  /** The workspace: made before each test (`workspace: 'suite'`: once, before the suite). */
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
  startServer(settings?: Partial<ServerSettings>, opts?: ServerOpts): Promise<TestServer>;
  /** A simulator with `simOpts`, then a server on it. */
  start(simOpts?: SimulatorOptions, settings?: Partial<ServerSettings>, opts?: ServerOpts): Promise<{ sim: Simulator; server: TestServer }>;
}

/**
 * Registers the hooks in the enclosing describe block. What a test or a beforeEach hook starts is
 * stopped after the test, what a before hook starts after the suite: servers shut down first, then
 * simulators closed. `prefix`: the workspace folder's prefix; `settings`: every server's settings,
 * under the ones a test passes.
 */
export function useSimServer(opts: { prefix?: string; settings?: Partial<ServerSettings>; workspace?: 'test' | 'suite' } = {}): SimServer {
  let ws: TempDir | undefined;
  let inTest = false;
  let sims: { sim: Simulator; inTest: boolean }[] = [];
  let servers: { server: TestServer; inTest: boolean }[] = [];
  /** Stops what was started in a test (`inTest`) or else in a before hook. */
  async function stop(startedInTest: boolean) {
    const mine = (e: { inTest: boolean }) => e.inTest === startedInTest;
    for (const e of servers.filter(mine)) await e.server.shutdown();
    for (const e of sims.filter(mine)) await e.sim.close();
    servers = servers.filter((e) => !mine(e));
    sims = sims.filter((e) => !mine(e));
  }
  const perSuite = opts.workspace === 'suite';
  if (perSuite) before(() => void (ws = tempDir(opts.prefix)));
  beforeEach(() => {
    inTest = true;
    if (!perSuite) ws = tempDir(opts.prefix);
  });
  afterEach(async () => {
    inTest = false;
    await stop(true);
    if (!perSuite) ws?.cleanup();
  });
  after(async () => {
    await stop(false);
    if (perSuite) ws?.cleanup();
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
      return last(sims, 'simulator').sim;
    },
    get server() {
      return last(servers, 'server').server;
    },
    async startSim(simOpts = {}) {
      const sim = await startSimulator(simOpts);
      sims.push({ sim, inTest });
      return sim;
    },
    async startServer(settings = {}, { env, workspace } = {}) {
      const baseUrl = sims.at(-1)?.sim.url;
      const server = await startTestServer(workspace ?? fixture.ws.path, { ...(baseUrl ? { baseUrl } : {}), ...opts.settings, ...settings }, env);
      servers.push({ server, inTest });
      return server;
    },
    async start(simOpts, settings, serverOpts) {
      const sim = await fixture.startSim(simOpts);
      return { sim, server: await fixture.startServer(settings, serverOpts) };
    },
  };
  return fixture;
}
