// The security tier's harness: the real server bundle with a chosen environment and settings,
// the OpenAI-wire simulator scripting the model's tool calls, approvals answered and recorded.
import { join } from 'node:path';
import { ApprovalRequest, EventNotification, RunRequest, type ApprovalParams, type RunResult, type ServerSettings, type SwarmEvent } from '../../server/protocol';
import { startServer, type ServerHandle } from '../../cli/client';
import { script, startSimulator, type Responder, type Simulator, type Turn } from '../support/simulator';
import { ensureBuilt, ROOT } from '../support/server';

export interface Session {
  sim: Simulator;
  server: ServerHandle;
  events: SwarmEvent[];
  asked: ApprovalParams[];
  logs: string[];
  run(task?: string, worktrees?: boolean): Promise<RunResult>;
  /** Tool outputs in call order. */
  outputs(): { ok: boolean; output: string }[];
  close(): Promise<void>;
}

let counter = 0;

/**
 * One server per scripted run. `approve` answers swarm/approval (default: decline); `env` is the
 * server's whole environment (default: the CLI's scrubbed one).
 */
export async function session(
  workspace: string,
  turns: Turn[] | Responder,
  settings: Partial<ServerSettings>,
  opts: { env?: NodeJS.ProcessEnv; approve?: (p: ApprovalParams) => boolean } = {},
): Promise<Session> {
  ensureBuilt();
  const sim = await startSimulator({ respond: Array.isArray(turns) ? script(turns) : turns });
  const server = await startServer(workspace, { apiKey: 'test-key', logLevel: 'warn', model: 'kimi-k2.5', baseUrl: sim.url, ...settings }, { serverPath: join(ROOT, 'dist/server.js'), env: opts.env });
  const events: SwarmEvent[] = [];
  const asked: ApprovalParams[] = [];
  const logs: string[] = [];
  server.connection.onNotification(EventNotification, ({ event }) => {
    events.push(event);
  });
  server.connection.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  server.connection.onRequest(ApprovalRequest, (p) => {
    asked.push(p);
    return { approved: opts.approve?.(p) ?? false };
  });
  return {
    sim,
    server,
    events,
    asked,
    logs,
    run: (task = 'do it', worktrees?: boolean) => server.connection.sendRequest(RunRequest, { runId: `sec-${++counter}`, task, ...(worktrees ? { worktrees } : {}) }),
    outputs: () => events.filter((e): e is Extract<SwarmEvent, { type: 'tool_output' }> => e.type === 'tool_output').map((e) => ({ ok: e.ok, output: e.output })),
    async close() {
      await server.shutdown();
      await sim.close();
    },
  };
}

/** A scripted model turn calling one tool, then a final answer after the last. */
export function calls(...list: { name: string; arguments: Record<string, unknown> }[]): Turn[] {
  return [...list.map((c) => ({ toolCalls: [c] })), { text: 'done' }];
}
