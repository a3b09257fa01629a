// Agent Swarm vs a single agent doing the same work serially, through the real server process and
// the HTTP simulator with a latency model.   npx tsx bench/swarm/index.ts
// Env: BENCH_WIDTHS=8,32,64,100  BENCH_TTFT_MS=60  BENCH_TPS=400  BENCH_CONCURRENCY=16
//      BENCH_SERIAL=0 skips the (long) serial runs: swarm columns only, for scheduler experiments.
//      BENCH_RULES=1 gives the workspace an AGENTS.md (~2 KB) and a nested src/AGENTS.md (shared prefix with rules).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunRequest, type RunResult, type ServerSettings } from '../../server/protocol';
import { startServer, type ServerHandle } from '../../cli/client';
import { perConversation, script, serializePrompt, startSimulator, type Simulator, type Turn } from '../../test/support/simulator';
import { ensureBuilt, ROOT, tempDir } from '../../test/support/server';
import { fmt, printTable } from '../table';

const WIDTHS = (process.env.BENCH_WIDTHS ?? '8,32,64,100').split(',').map(Number);
const TTFT = Number(process.env.BENCH_TTFT_MS ?? 60);
const TPS = Number(process.env.BENCH_TPS ?? 400);
const CAP = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SERIAL = process.env.BENCH_SERIAL !== '0';

/** Steps of sub-agent i: 5..20, deterministic. */
const stepsOf = (i: number) => 5 + ((i * 7) % 16);

const readTurn = (i: number, k: number): Turn => ({ toolCalls: [{ name: 'read_file', arguments: { path: `src/f${i % 50}.txt`, limit: 5 + k } }] });
const answer = (i: number): Turn => ({ text: `Item ${i}: checked, nothing to change.` });

/** Seconds the latency model takes for a turn (what an ideal scheduler cannot avoid). */
function turnMs(t: Turn): number {
  const chars = (t.text ?? '').length + (t.toolCalls ?? []).reduce((s, c) => s + c.name.length + JSON.stringify(c.arguments).length, 0);
  return TTFT + (TPS ? (chars / 4 / TPS) * 1000 : 0);
}

function subTurns(i: number): Turn[] {
  const n = stepsOf(i);
  return [...Array.from({ length: n - 1 }, (_, k) => readTurn(i, k)), answer(i)];
}

function items(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `item-${i}`);
}

function swarmMain(n: number): Turn[] {
  return [
    { toolCalls: [{ name: 'create_subagent', arguments: { name: 'checker', system_prompt: 'Check one item.', tools: ['read_file', 'grep', 'list_files'] } }] },
    { toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'Check {{item}} and report.', items: items(n), agent: 'checker' } }] },
    { text: `All ${n} items checked.` },
  ];
}

function serialMain(n: number): Turn[] {
  const turns: Turn[] = [];
  for (let i = 0; i < n; i++) turns.push(...subTurns(i).slice(0, -1), readTurn(i, 99));
  turns.push({ text: `All ${n} items checked.` });
  return turns;
}

function responder(mainTurns: Turn[]) {
  return perConversation((conversation) => {
    const m = /Check item-(\d+) and report/.exec(conversation);
    return script(m ? subTurns(Number(m[1])) : mainTurns);
  });
}

/** CPU time (user + system) the process has used, in ms: /proc/PID/stat fields 14 and 15, at 100 ticks a second. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

// swarmConfirmWidth 0: the bench's wide swarms (64, 100) start without asking (the default asks above 32).
async function withServer<T>(sim: Simulator, ws: string, settings: Partial<ServerSettings>, fn: (s: ServerHandle) => Promise<T>): Promise<T> {
  const server = await startServer(ws, { baseUrl: sim.url, apiKey: 'k', approval: 'always', thinking: 'off', logLevel: 'error', concurrency: CAP, swarmConfirmWidth: 0, ...settings }, { serverPath: join(ROOT, 'dist/server.js') });
  try {
    return await fn(server);
  } finally {
    await server.shutdown();
  }
}

interface Measured {
  result: RunResult;
  wallMs: number;
  /** Server process CPU time during the run. */
  serverCpuMs: number;
  peakRssMb: number;
  sim: Simulator;
}

async function measure(mainTurns: Turn[], ws: string, settings: Partial<ServerSettings>, latency = { ttftMs: TTFT, tokensPerSec: TPS }): Promise<Measured> {
  const sim = await startSimulator({ respond: responder(mainTurns), latency });
  return withServer(sim, ws, settings, async (server) => {
    let peak = rssKb(server.child.pid!);
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb(server.child.pid!))), 25);
    const cpu0 = cpuMs(server.child.pid!);
    const t0 = performance.now();
    const result = await server.connection.sendRequest(RunRequest, { runId: 'bench', task: 'Check every item.' });
    const wallMs = performance.now() - t0;
    const serverCpuMs = cpuMs(server.child.pid!) - cpu0;
    clearInterval(sampler);
    await sim.close();
    if (result.status !== 'done') throw new Error(`run ${result.status}: ${result.error}`);
    return { result, wallMs, serverCpuMs, peakRssMb: peak / 1024, sim };
  });
}

/** Ideal wall time: the orchestrator's turns + the longest sub-agent or the total work spread over the cap. */
function idealMs(n: number): number {
  const orchestrator = swarmMain(n).reduce((s, t) => s + turnMs(t), 0);
  const per = Array.from({ length: n }, (_, i) => subTurns(i).reduce((s, t) => s + turnMs(t), 0));
  const total = per.reduce((a, b) => a + b, 0);
  return orchestrator + Math.max(Math.max(...per), total / Math.min(CAP, n));
}

/**
 * What an online scheduler can reach without knowing task lengths, zero overhead: SwarmCode's
 * policy (server/swarm/runtime.ts) simulated step by step on `cap` slots, the sub-agent with the
 * fewest steps so far first, ties by who waited longest.
 */
function fairShareMs(n: number): number {
  const main = swarmMain(n).map(turnMs);
  const turns = Array.from({ length: n }, (_, i) => subTurns(i).map(turnMs));
  const start = main[0] + main[1];
  const ready = turns.map((_, i) => ({ i, steps: 0, at: start }));
  const running: { i: number; steps: number; end: number }[] = [];
  let now = start;
  let finished = start;
  while (ready.length || running.length) {
    ready.sort((x, y) => x.steps - y.steps || x.at - y.at || x.i - y.i);
    while (running.length < Math.min(CAP, n) && ready.length) {
      const next = ready.shift()!;
      running.push({ i: next.i, steps: next.steps + 1, end: now + turns[next.i][next.steps] });
    }
    running.sort((x, y) => x.end - y.end);
    const done = running.shift()!;
    now = done.end;
    if (done.steps < turns[done.i].length) ready.push({ i: done.i, steps: done.steps, at: now });
    else finished = Math.max(finished, now);
  }
  return finished + main[2];
}

/** Share of a sub-agent's first prompt that every sub-agent's first prompt has in common. */
function sharedPrefixShare(sim: Simulator): number {
  const firsts = new Map<string, string>();
  for (const r of sim.requests) if (r.conversation.includes('Check item-') && !firsts.has(r.conversation)) firsts.set(r.conversation, serializePrompt(r.body));
  const prompts = [...firsts.values()];
  if (prompts.length < 2) return NaN;
  let lcp = prompts[0].length;
  for (const p of prompts.slice(1)) {
    let i = 0;
    while (i < lcp && i < p.length && p[i] === prompts[0][i]) i++;
    lcp = i;
  }
  return lcp / (prompts.reduce((s, p) => s + p.length, 0) / prompts.length);
}

function cachedShare(sim: Simulator): number {
  const prompt = sim.requests.reduce((s, r) => s + r.promptTokens, 0);
  return sim.requests.reduce((s, r) => s + r.cachedTokens, 0) / prompt;
}

/**
 * Per-spawn scheduling cost: zero-latency model, 1-step sub-agents, no concurrency cap in the way;
 * the spread between the first and the last sub-agent's first request, per sub-agent.
 */
async function spawnOverhead(n: number, ws: string): Promise<number> {
  const sim = await startSimulator({ respond: perConversation((c) => script(/Check item-/.test(c) ? [answer(0)] : swarmMain(n))) });
  return withServer(sim, ws, { concurrency: n + 1 }, async (server) => {
    await server.connection.sendRequest(RunRequest, { runId: 'spawn', task: 'Check every item.' });
    const subs = sim.requests.filter((r) => r.conversation.includes('Check item-'));
    const first = Math.min(...subs.map((r) => r.at));
    const last = Math.max(...subs.map((r) => r.at));
    await sim.close();
    return (last - first) / Math.max(1, subs.length - 1);
  });
}

async function main(): Promise<void> {
  ensureBuilt();
  const ws = tempDir('swarm-bench-');
  mkdirSync(join(ws.path, 'src'));
  for (let i = 0; i < 50; i++) writeFileSync(join(ws.path, 'src', `f${i}.txt`), `file ${i}\n`.repeat(20));
  if (process.env.BENCH_RULES === '1') {
    const section = (t: string) => `## ${t}\n${Array.from({ length: 6 }, (_, k) => `- ${t} rule ${k}: keep changes small, run the tests, follow the existing style.`).join('\n')}\n`;
    writeFileSync(join(ws.path, 'AGENTS.md'), `# AGENTS.md\n\n${['Setup', 'Build and test', 'Code style', 'Testing', 'Security'].map(section).join('\n')}`);
    writeFileSync(join(ws.path, 'src', 'AGENTS.md'), '# src\n\n- Files here are fixtures: read, never edit.\n');
  }

  const rows: (string | number)[][] = [
    ['sub-agents', 'steps (total)', 'serial wall s', 'swarm wall s', 'speedup', 'ideal s*', 'achieved/ideal', 'achieved/fair-share bound†', 'serial: model share', 'serial: server CPU ms/step', 'critical steps', 'summary speedup', 'peak RSS MB', 'shared prefix', 'cached input'],
  ];
  try {
    for (const n of WIDTHS) {
      const totalSteps = Array.from({ length: n }, (_, i) => stepsOf(i)).reduce((a, b) => a + b, 0);
      const serial = SERIAL ? await measure(serialMain(n), ws.path, { swarm: false, maxSteps: totalSteps + 5 }) : { wallMs: NaN, serverCpuMs: NaN };
      const swarm = await measure(swarmMain(n), ws.path, { swarm: true });
      const ideal = idealMs(n);
      const serialModelMs = serialMain(n).reduce((sum, t) => sum + turnMs(t), 0);
      const s = swarm.result.summary;
      rows.push([
        n,
        totalSteps,
        fmt(serial.wallMs / 1000, 2),
        fmt(swarm.wallMs / 1000, 2),
        `${fmt(serial.wallMs / swarm.wallMs, 2)}×`,
        fmt(ideal / 1000, 2),
        `${fmt((ideal / swarm.wallMs) * 100, 0)} %`,
        `${fmt((fairShareMs(n) / swarm.wallMs) * 100, 0)} %`,
        `${fmt((serialModelMs / serial.wallMs) * 100, 0)} %`,
        fmt(serial.serverCpuMs / (totalSteps + 1), 2),
        s.criticalSteps ?? '–',
        `${fmt(s.speedup ?? NaN, 2)}×`,
        fmt(swarm.peakRssMb, 0),
        `${fmt(sharedPrefixShare(swarm.sim) * 100, 1)} %`,
        `${fmt(cachedShare(swarm.sim) * 100, 1)} %`,
      ]);
    }
    printTable(`Swarm vs serial single agent (latency model: TTFT ${TTFT} ms + ${TPS} tok/s; concurrency cap ${CAP}; steps per sub-agent 5–20)`, rows);
    process.stdout.write(
      '* ideal = the latency model alone (zero overhead): orchestrator turns + max(longest sub-agent, all sub-agent work / cap).\n' +
        '† fair-share bound = the same latency model, zero overhead, with SwarmCode\'s policy: the request slots go step by step\n' +
        '  to the sub-agent with the fewest steps so far (what a scheduler that does not know task lengths can reach; the ideal\n' +
        '  needs them in advance to pack the cap longest first).\n' +
        '  "serial: model share" is the same model time over the serial run\'s wall time: how close one agent gets to the bound.\n',
    );

    const over = await spawnOverhead(100, ws.path);
    const live = await measure(swarmMain(100), ws.path, { swarm: true, concurrency: 101 }, { ttftMs: 1500, tokensPerSec: 0 });
    printTable('Scheduler and memory', [
      ['measure', 'value', 'goal'],
      ['spawn → first model request, per sub-agent (zero-latency model, 100 agents)', `${fmt(over, 2)} ms`, '< 5 ms'],
      ['server peak RSS with 100 live sub-agents (all waiting on the model at once)', `${fmt(live.peakRssMb, 0)} MB`, '< 300 MB'],
      ['share of a sub-agent first prompt common to all sub-agents', `${fmt(sharedPrefixShare(live.sim) * 100, 1)} %`, '≥ 90 %'],
    ]);
  } finally {
    ws.cleanup();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
