// Concurrent edits on shared files: the old engine (every edit on a stale read refused) vs region-
// aware rebase, measured in the same run.   npx tsx bench/edits/index.ts
// 1) Engine throughput in-process: 1, 8 and 32 writers on 2 shared 64-line files (read a file,
//    replace one random line, repeat), counting accepted / rebased / refused edits.
// 2) A swarm through the real server process and the HTTP simulator: 8 and 32 scripted sub-agents
//    each fill their own line of one file (read, edit; after a refusal re-read and retry; give up
//    after 12 turns): model requests and wall time until every line landed, next to the lower bound.
// The old engine is the same code with rebasing off (createWorkspace's internal rebaseStaleEdits:
// false in process; SWARMCODE_BENCH_REFUSE_STALE=1 for the spawned server).
// Env: BENCH_OPS=40 (per writer)  BENCH_TTFT_MS=60  BENCH_SWARMS=8,32
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { RunRequest } from '../../server/protocol';
import { createWorkspace, EditorDocuments } from '../../server/workspace';
import { startServer } from '../../cli/client';
import { contentText, startSimulator, type ChatRequestBody, type Turn } from '../../test/support/simulator';
import { ensureBuilt, ROOT, tempDir } from '../../test/support/server';
import { fmt, printTable } from '../table';

const OPS = Number(process.env.BENCH_OPS ?? 40);
const TTFT = Number(process.env.BENCH_TTFT_MS ?? 60);
const SWARMS = (process.env.BENCH_SWARMS ?? '8,32').split(',').map(Number);
const MAX_TURNS = 12;
type Mode = 'before' | 'after';

/** Seeded RNG (mulberry32), as in the stress test. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function engineRun(mode: Mode, writers: number): Promise<{ wallMs: number; accepted: number; rebased: number; refused: number }> {
  process.env.SWARMCODE_JOURNAL_DIR ??= await fs.mkdtemp(path.join(os.tmpdir(), 'bench-journals-'));
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'bench-edits-')));
  const files = ['a.txt', 'b.txt'];
  for (const f of files) await fs.writeFile(path.join(dir, f), Array.from({ length: 64 }, (_, i) => `${f} line ${i} v0`).join('\n') + '\n');
  const base = await createWorkspace(dir, new EditorDocuments(), { ephemeral: true, rebaseStaleEdits: mode === 'after' });
  const run = base.forRun!(`bench-${mode}-${writers}`, 'bench');
  const rand = seeded(writers * 7 + 1);
  let accepted = 0;
  let rebased = 0;
  let refused = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const ws = run.forAgent!(`w${w}`);
      for (let op = 0; op < OPS; op++) {
        const f = files[Math.floor(rand() * files.length)];
        const lines = (await ws.readText(f)).split('\n');
        const i = Math.floor(rand() * 64);
        await new Promise((r) => setImmediate(r)); // let the others interleave between read and edit
        try {
          const r = await ws.editText!(f, { oldString: lines[i], newString: `${f} line ${i} v${w}.${op}` });
          if (r.rebased) rebased++;
          else accepted++;
        } catch {
          refused++;
        }
      }
    }),
  );
  const wallMs = performance.now() - t0;
  await run.close('done');
  await fs.rm(dir, { recursive: true, force: true });
  return { wallMs, accepted, rebased, refused };
}

/** Scripted sub-agent: read the file, edit its slot; after a refusal re-read and retry. */
function subTurn(body: ChatRequestBody, slot: number): Turn {
  const turns = body.messages.filter((m) => m.role === 'assistant').length;
  const last = [...body.messages].reverse().find((m) => m.role === 'tool');
  const lastText = last ? contentText(last.content) : '';
  if (/^Edited /.test(lastText)) return { text: `slot ${slot} filled` };
  if (turns >= MAX_TURNS) return { text: `gave up on slot ${slot}` };
  if (!last || /refused|Re-read/.test(lastText)) return { toolCalls: [{ name: 'read_file', arguments: { path: 'shared.txt' } }] };
  return { toolCalls: [{ name: 'edit_file', arguments: { path: 'shared.txt', old_string: `slot ${slot}: TODO`, new_string: `slot ${slot}: done` } }] };
}

function mainTurn(body: ChatRequestBody, n: number): Turn {
  const turns = body.messages.filter((m) => m.role === 'assistant').length;
  if (turns === 0) return { toolCalls: [{ name: 'create_subagent', arguments: { name: 'filler', system_prompt: 'Fill one slot.', tools: ['read_file', 'edit_file'] } }] };
  if (turns === 1) {
    const items = Array.from({ length: n }, (_, i) => String(i));
    return { toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'Fill slot {{item}} of shared.txt', items, agent: 'filler' } }] };
  }
  return { text: 'done' };
}

async function swarmRun(mode: Mode, n: number): Promise<{ wallMs: number; requests: number; filled: number; refusals: number }> {
  const ws = tempDir('bench-swarm-edits-');
  const shared = join(ws.path, 'shared.txt');
  await fs.writeFile(shared, Array.from({ length: n }, (_, i) => `slot ${i}: TODO\n`).join(''));
  const sim = await startSimulator({
    latency: { ttftMs: TTFT, tokensPerSec: 0 },
    respond: (body) => {
      const m = /Fill slot (\d+) of shared.txt/.exec(body.messages.filter((x) => x.role === 'user').map((x) => contentText(x.content)).join('\n'));
      return m ? subTurn(body, Number(m[1])) : mainTurn(body, n);
    },
  });
  const env = { ...process.env, ...(mode === 'before' ? { SWARMCODE_BENCH_REFUSE_STALE: '1' } : {}) };
  const server = await startServer(ws.path, { baseUrl: sim.url, apiKey: 'k', approval: 'always', thinking: 'off', logLevel: 'error', concurrency: n }, { serverPath: join(ROOT, 'dist/server.js'), env });
  try {
    const t0 = performance.now();
    const result = await server.connection.sendRequest(RunRequest, { runId: `swarm-${mode}-${n}`, task: 'Fill every slot.' });
    const wallMs = performance.now() - t0;
    if (result.status !== 'done') throw new Error(`run ${result.status}: ${result.error}`);
    const filled = (readFileSync(shared, 'utf8').match(/: done/g) ?? []).length;
    const refusals = sim.requests.filter((r) => {
      const last = [...r.body.messages].reverse().find((m) => m.role === 'tool');
      return last && /edit was refused/.test(contentText(last.content));
    }).length;
    return { wallMs, requests: sim.requests.length, filled, refusals };
  } finally {
    await server.shutdown();
    await sim.close();
    ws.cleanup();
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  const rows: (string | number)[][] = [['writers', 'engine', 'edits', 'accepted (fresh)', 'rebased', 'refused', 'landed %', 'landed/s']];
  await engineRun('after', 4); // warm-up (JIT, journal folder)
  for (const w of [1, 8, 32]) {
    for (const mode of w % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
      const r = await engineRun(mode, w);
      const total = r.accepted + r.rebased + r.refused;
      rows.push([w, mode === 'before' ? 'refuse stale (old)' : 'rebase (new)', total, r.accepted, r.rebased, r.refused, fmt((100 * (r.accepted + r.rebased)) / total), fmt(((r.accepted + r.rebased) / r.wallMs) * 1000, 0)]);
    }
  }
  printTable(`Engine: writers on 2 shared 64-line files, ${OPS} read+edit each (in-process)`, rows);

  const turn = TTFT; // a scripted turn is ~TTFT under this latency model
  const srows: (string | number)[][] = [['sub-agents', 'engine', 'slots filled', 'model requests', 'refusals', 'wall ms', 'lower bound: requests', 'lower bound: wall ms (parallel)', 'serial: wall ms (one agent)']];
  for (const n of SWARMS) {
    for (const mode of ['before', 'after'] as const) {
      const r = await swarmRun(mode, n);
      // Lower bound: main 3 turns; each sub-agent read, edit, answer; all sub-agents in parallel.
      srows.push([n, mode === 'before' ? 'refuse stale (old)' : 'rebase (new)', `${r.filled}/${n}`, r.requests, r.refusals, fmt(r.wallMs, 0), 3 * n + 3, fmt(6 * turn, 0), fmt((3 + 2 * n) * turn, 0)]);
    }
  }
  printTable(`Swarm: sub-agents each filling their own line of one file (real server + simulator, TTFT ${TTFT} ms, give up after ${MAX_TURNS} turns)`, srows);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
