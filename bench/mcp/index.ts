// MCP: tool-call overhead (the same server called directly with the SDK, through SwarmCode's
// adapter in-process, and through the whole backend in a run), and the prompt prefix shared by 16
// sub-agents with MCP tools declared.   npx tsx bench/mcp/index.ts
// Env: BENCH_CALLS=80 (calls per column; the run's step budget caps the backend column at maxSteps)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { RunRequest, EventNotification, type SwarmEvent, type ServerSettings } from '../../server/protocol';
import { startServer } from '../../cli/client';
import { McpManager } from '../../server/mcp/manager';
import type { ToolContext } from '../../server/tools/types';
import { perConversation, script, serializePrompt, startSimulator, type Simulator, type Turn } from '../../test/support/simulator';
import { ensureBuilt, ROOT, tempDir } from '../../test/support/server';
import { crashyStdio, everythingStdio, memoryLog } from '../../test/support/mcp';
import { fmt, percentile, printTable } from '../table';

const CALLS = Number(process.env.BENCH_CALLS ?? 80);
const never = new AbortController().signal;

function stats(ms: number[]): string[] {
  return [fmt(percentile(ms, 50), 2), fmt(percentile(ms, 95), 2), fmt(ms.reduce((a, b) => a + b, 0) / ms.length, 2)];
}

async function direct(): Promise<number[]> {
  const c = everythingStdio as { command: string; args: string[] };
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(new StdioClientTransport({ command: c.command, args: c.args, stderr: 'ignore' }));
  const out: number[] = [];
  try {
    for (let i = 0; i < CALLS + 10; i++) {
      const t = performance.now();
      await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
      if (i >= 10) out.push(performance.now() - t);
    }
  } finally {
    await client.close();
  }
  return out;
}

async function adapter(): Promise<number[]> {
  const m = new McpManager({ root: ROOT, log: memoryLog(), timeoutMs: () => 60_000 });
  m.configure([{ name: 'everything', source: 'user', config: everythingStdio }]);
  const { tools } = await m.tools(never);
  const echo = tools.find((t) => t.name === 'mcp__everything__echo')!;
  const ctx = { runId: 'b', agentId: 'main' } as ToolContext;
  const out: number[] = [];
  try {
    for (let i = 0; i < CALLS + 10; i++) {
      const t = performance.now();
      await echo.run({ message: `m${i}` }, ctx, never);
      if (i >= 10) out.push(performance.now() - t);
    }
  } finally {
    await m.close();
  }
  return out;
}

/** tool_called → tool_output as the client sees the events: the backend's whole path (parse, approve, call, map, event). */
async function throughServer(call: (i: number) => Turn['toolCalls']): Promise<number[]> {
  const turns: Turn[] = Array.from({ length: CALLS + 10 }, (_, i) => ({ toolCalls: call(i) }));
  const sim = await startSimulator({ respond: script([...turns, { text: 'done' }]) });
  const ws = tempDir();
  writeFileSync(join(ws.path, 'a.txt'), 'hello\n');
  const server = await startServer(ws.path, { baseUrl: sim.url, apiKey: 'k', approval: 'always', thinking: 'off', logLevel: 'error', swarm: false, repoMapTokens: 0, maxSteps: CALLS + 20, mcpServers: { everything: everythingStdio } }, { serverPath: join(ROOT, 'dist/server.js') });
  const called = new Map<string, number>();
  const out: number[] = [];
  server.connection.onNotification(EventNotification, ({ event }: { event: SwarmEvent }) => {
    if (event.type === 'tool_called') called.set(event.callId, performance.now());
    if (event.type === 'tool_output' && called.has(event.callId)) out.push(performance.now() - called.get(event.callId)!);
  });
  try {
    const r = await server.connection.sendRequest(RunRequest, { runId: 'bench', task: 'echo many times' });
    if (r.status !== 'done') throw new Error(`run ${r.status}: ${r.error}`);
  } finally {
    await server.shutdown();
    await sim.close();
    ws.cleanup();
  }
  return out.slice(10);
}

/** Share of a sub-agent's first prompt that all 16 sub-agents' first prompts have in common. */
function sharedPrefixShare(sim: Simulator): number {
  const firsts = new Map<string, string>();
  for (const r of sim.requests) if (r.conversation.includes('Check item-') && !firsts.has(r.conversation)) firsts.set(r.conversation, serializePrompt(r.body));
  const prompts = [...firsts.values()];
  let lcp = prompts[0].length;
  for (const p of prompts.slice(1)) {
    let i = 0;
    while (i < lcp && i < p.length && p[i] === prompts[0][i]) i++;
    lcp = i;
  }
  return lcp / (prompts.reduce((s, p) => s + p.length, 0) / prompts.length);
}

async function prefix(settings: Partial<ServerSettings>): Promise<{ share: number; tools: number; cached: number }> {
  const items = Array.from({ length: 16 }, (_, i) => `item-${i}`);
  const main: Turn[] = [
    { toolCalls: [{ name: 'create_subagent', arguments: { name: 'checker', system_prompt: 'Check one item.' } }] },
    { toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'Check {{item}} and report.', items, agent: 'checker' } }] },
    { text: 'all checked' },
  ];
  const sub = (i: string): Turn[] => [{ toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }, { text: `checked ${i}` }];
  const sim = await startSimulator({ respond: perConversation((c) => script(/Check (item-\d+)/.test(c) ? sub(/Check (item-\d+)/.exec(c)![1]) : main)) });
  const ws = tempDir();
  const server = await startServer(ws.path, { baseUrl: sim.url, apiKey: 'k', approval: 'always', thinking: 'off', logLevel: 'error', ...settings }, { serverPath: join(ROOT, 'dist/server.js') });
  try {
    const r = await server.connection.sendRequest(RunRequest, { runId: 'p', task: 'check every item' });
    if (r.status !== 'done') throw new Error(`run ${r.status}: ${r.error}`);
    const first = sim.requests.find((q) => q.conversation.includes('Check item-'))!;
    const subs = sim.requests.filter((q) => q.conversation.includes('Check item-'));
    const cached = subs.reduce((s, q) => s + q.cachedTokens, 0) / subs.reduce((s, q) => s + q.promptTokens, 0);
    return { share: sharedPrefixShare(sim), tools: (first.body.tools ?? []).length, cached };
  } finally {
    await server.shutdown();
    await sim.close();
    ws.cleanup();
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  // Alternating rounds, so that load on the machine falls on both columns alike.
  const d: number[] = [];
  const a: number[] = [];
  for (let round = 0; round < 3; round++) {
    d.push(...(await direct()));
    a.push(...(await adapter()));
  }
  const s = await throughServer((i) => [{ name: 'mcp__everything__echo', arguments: { message: `m${i}` } }]);
  const b = await throughServer(() => [{ name: 'read_file', arguments: { path: 'a.txt' } }]);
  printTable(`MCP tool-call round trip, everything server over stdio, echo, ${CALLS} sequential calls (ms)`, [
    ['path', 'p50', 'p95', 'mean'],
    ['SDK client directly (baseline)', ...stats(d)],
    ['SwarmCode adapter in-process (timeout, result mapping)', ...stats(a)],
    ['whole backend: tool_called → tool_output event at the client', ...stats(s)],
    ['whole backend, built-in read_file instead (same path, no MCP)', ...stats(b)],
  ]);
  const without = await prefix({});
  const withMcp = await prefix({ mcpServers: { everything: everythingStdio, crashy: crashyStdio } });
  printTable('Prompt prefix shared by 16 sub-agents (first requests)', [
    ['configuration', 'tools declared', 'shared prefix', 'cached input (sub-agents)', 'goal'],
    ['built-in tools only (baseline)', without.tools, `${fmt(without.share * 100, 1)} %`, `${fmt(without.cached * 100, 1)} %`, '≥ 90 %'],
    ['+ 2 MCP servers (everything, crashy)', withMcp.tools, `${fmt(withMcp.share * 100, 1)} %`, `${fmt(withMcp.cached * 100, 1)} %`, '≥ 90 %'],
  ]);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
    process.exit(1);
  },
);
