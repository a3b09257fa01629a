// Where a real run's speed goes on the embedded engine (issue 10: 36.8 s to the first token and
// 1.4 tokens/s in a run against 240 tokens/s in the decode table above). Each configuration
// serves what a run sends — the first turn's system prompt and 13 tools (cli/first-turn.ts) —
// on two concurrent streams through LlamaEngine, then a second turn on the same conversation
// (prefix reuse), next to the bare decode rate of a short prompt at the same thread count.
//
//   before: the thread count node-llama-cpp picks by default on a CPU build, max(4, cores);
//   cores:  one thread per math core;
//   after:  the engine's default now, the math cores not already busy (load average).
import { performance } from 'node:perf_hooks';
import type { Token } from 'node-llama-cpp';
import { firstTurnRequest } from '../../cli/first-turn';
import { LlamaEngine } from '../../server/model/llama/engine';
import { defaultThreads, getRuntime, loadLocalModel } from '../../server/model/llama/runtime';
import { SequencePool } from '../../server/model/llama/sequences';
import type { ChatMessage, ModelEvent } from '../../server/model/types';
import { fmt, printTable } from '../table';

interface TurnStats {
  ttft: number;
  decodeTps: number;
  input: number;
  cached: number;
}

async function turn(engine: LlamaEngine, messages: ChatMessage[], tools: ReturnType<typeof firstTurnRequest>['tools'], maxTokens: number): Promise<TurnStats & { text: string }> {
  const t0 = performance.now();
  let first = 0;
  let text = '';
  let usage: Extract<ModelEvent, { type: 'usage' }>['usage'] | undefined;
  for await (const e of engine.stream({ messages, tools, thinking: false, maxTokens }, new AbortController().signal)) {
    if ((e.type === 'text' || e.type === 'reasoning') && !first) first = performance.now();
    if (e.type === 'text') text += e.text;
    if (e.type === 'usage') usage = e.usage;
  }
  const end = performance.now();
  first ||= end;
  const out = usage?.output ?? 0;
  return { ttft: (first - t0) / 1000, decodeTps: out > 1 ? (out - 1) / ((end - first) / 1000) : NaN, input: usage?.input ?? 0, cached: usage?.cachedInput ?? 0, text };
}

/** Decode rate of a short prompt on one sequence (what the decode table measures), same threads. */
async function bareDecode(modelPath: string, threads: number, tokens: number): Promise<number> {
  const model = await loadLocalModel({ model: modelPath, gpu: false });
  const pool = await SequencePool.create(model, { sequences: 1, contextSize: 512, threads });
  const prompt = model.tokenize('<|im_user|>user<|im_middle|>Write the function.<|im_end|><|im_assistant|>assistant<|im_middle|><think></think>', true);
  const seq = await pool.acquire(prompt, new AbortController().signal);
  let n = 0;
  let firstAt = 0;
  for await (const _ of seq.evaluate(prompt as Token[], { temperature: 0.8, seed: 1, yieldEogToken: true })) {
    if (n === 0) firstAt = performance.now();
    if (++n > tokens) break;
  }
  const tps = (n - 1) / ((performance.now() - firstAt) / 1000);
  await pool.dispose();
  return tps;
}

export async function runProfile(modelPath: string, opts: { tokens: number; context: number }): Promise<void> {
  const llama = await getRuntime(false);
  const cores = llama.cpuMathCores;
  const configs = [
    { label: `before: node-llama-cpp default (${llama.maxThreads} threads)`, threads: llama.maxThreads },
    { label: `one per math core (${cores} threads)`, threads: cores },
    { label: `after: idle math cores (${defaultThreads(llama)} threads)`, threads: defaultThreads(llama) },
  ];
  const rows: (string | number)[][] = [
    ['configuration', 'prompt tok', 'TTFT s (2 streams)', 'decode tok/s per stream', 'turn 2 TTFT s', 'turn 2 cached tok', 'bare decode tok/s'],
  ];
  for (const c of configs) {
    const engine = new LlamaEngine({ model: modelPath, gpu: false, parallel: 2, contextSize: opts.context, threads: c.threads, seed: 5, toolChoice: 'none' });
    await engine.load();
    const firsts = await Promise.all(
      [0, 1].map((i) => {
        const req = firstTurnRequest('/work/project', `Fix the failing test number ${i}`, { thinking: false });
        return turn(engine, req.messages, req.tools, opts.tokens).then((r) => ({ ...r, req }));
      }),
    );
    const a = firsts[0]!;
    const next: ChatMessage[] = [...a.req.messages, { role: 'assistant', content: a.text }, { role: 'user', content: 'Now run the tests.' }];
    const second = await turn(engine, next, a.req.tools, opts.tokens);
    await engine.dispose();
    const bare = await bareDecode(modelPath, c.threads, opts.tokens);
    rows.push([
      c.label,
      a.input,
      fmt(Math.max(...firsts.map((f) => f.ttft))),
      fmt(firsts.reduce((s, f) => s + f.decodeTps, 0) / firsts.length),
      fmt(second.ttft, 2),
      `${second.cached} of ${second.input}`,
      fmt(bare),
    ]);
    process.stderr.write(`${rows.at(-1)!.join(' | ')}\n`);
  }
  printTable(
    `Real-run profile: the first turn a run sends (system prompt + 13 tools) on 2 concurrent sequences of ${opts.context} tokens, ${opts.tokens} tokens each; machine: ${cores} math cores, load average ${fmt((await import('node:os')).loadavg()[0]!)} at the end`,
    rows,
  );
  process.stdout.write(
    'TTFT = time to the first token of the slower stream (both prompts evaluated together); turn 2 = the same conversation one exchange later (the shared prefix is reused, only the new tokens are evaluated).\n',
  );
}
