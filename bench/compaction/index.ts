// Long runs and the provider's prefix cache: the earlier compaction (elide the oldest tool output,
// one per step past the budget) against the current one (summarize down to half the budget at
// once), same run, same simulator (262,144-token window, block prefix cache), same agent loop and
// HTTP provider.   npx tsx bench/compaction/index.ts
// Env: BENCH_STEPS=90  BENCH_OUTPUT_KB=40
import { createLogger } from '../../server/log';
import { runAgent } from '../../server/agent/loop';
import type { CompactionStrategy } from '../../server/agent/compact-step';
import { OpenAICompatibleModel } from '../../server/model/openai';
import { KIMI_K25_PRICING } from '../../server/swarm';
import { defineTool } from '../../server/tools/types';
import { contentText, serializePrompt, startSimulator, type ChatRequestBody, type Turn } from '../../test/support/simulator';
import { z } from 'zod';
import { fmt, printTable } from '../table';

const STEPS = Number(process.env.BENCH_STEPS ?? 90);
const OUTPUT_CHARS = Number(process.env.BENCH_OUTPUT_KB ?? 40) * 1024;
const WINDOW = 262_144;

/** A tool with large, distinct outputs (a log, a big file): no output cap of its own. */
const dumpTool = defineTool({
  name: 'dump',
  description: 'Prints a large report.',
  parameters: z.object({ part: z.number() }),
  mutating: false,
  async run(args) {
    const line = (i: number) => `part ${args.part} line ${i}: ${'value '.repeat(8)}${(args.part * 7919 + i) % 10007}\n`;
    let out = '';
    for (let i = 0; out.length < OUTPUT_CHARS; i++) out += line(i);
    return out.slice(0, OUTPUT_CHARS);
  },
});

function isSummaryRequest(body: ChatRequestBody): boolean {
  const last = body.messages.at(-1);
  return last?.role === 'user' && contentText(last.content).startsWith('[Conversation compacted] The conversation above');
}

function responder() {
  let step = 0;
  return (body: ChatRequestBody): Turn => {
    if (isSummaryRequest(body)) return { text: `Summary of the work so far: ${'found value X in part N; '.repeat(60)}` };
    step++;
    return step > STEPS ? { text: 'Done.' } : { text: `Looking at part ${step}.`, toolCalls: [{ name: 'dump', arguments: { part: step } }] };
  };
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

interface Row {
  strategy: CompactionStrategy;
  requests: number;
  compactions: number;
  cachedShare: number;
  prefixShare: number;
  peakPrompt: number;
  input: number;
  cached: number;
  output: number;
  costUsd: number;
  wallS: number;
}

async function measure(strategy: CompactionStrategy): Promise<Row> {
  const sim = await startSimulator({ respond: responder(), contextWindow: WINDOW, usageStyle: 'moonshot' });
  const log = createLogger(() => 'error', () => undefined);
  const model = new OpenAICompatibleModel({ baseUrl: sim.url, apiKey: 'k', model: 'kimi-k2.5', maxRetries: 0, log, dialect: 'moonshot', contextWindow: WINDOW });
  let compactions = 0;
  const t0 = performance.now();
  const result = await runAgent(
    {
      agentId: 'main',
      model,
      tools: [dumpTool],
      messages: [
        { role: 'system', content: 'You are a coding agent.' },
        { role: 'user', content: 'Go through every part of the report.' },
      ],
      thinking: false,
      maxSteps: STEPS + 5,
      compaction: strategy,
      toolContext: { log } as never,
      emit: (e) => {
        if (e.type === 'context' && e.compacted) compactions++;
      },
    },
    new AbortController().signal,
  );
  const wallS = (performance.now() - t0) / 1000;
  await sim.close();
  if (result.status !== 'done') throw new Error(`${strategy}: ${result.status} ${result.error}`);
  // Elide-oldest changes the prompt every step past the budget: count its compactions as those steps.
  if (strategy === 'elide-oldest') compactions = sim.requests.filter((r, i) => i > 0 && serializePrompt(r.body).length < serializePrompt(sim.requests[i - 1]!.body).length + OUTPUT_CHARS / 2).length;
  const prompts = sim.requests.map((r) => serializePrompt(r.body));
  let shared = 0;
  let total = 0;
  for (let i = 1; i < prompts.length; i++) {
    shared += commonPrefix(prompts[i - 1]!, prompts[i]!);
    total += prompts[i]!.length;
  }
  const input = sim.requests.reduce((s, r) => s + r.promptTokens, 0);
  const cached = sim.requests.reduce((s, r) => s + r.cachedTokens, 0);
  const output = result.tokens.output;
  const p = KIMI_K25_PRICING;
  return {
    strategy,
    requests: sim.requests.length,
    compactions,
    cachedShare: cached / input,
    prefixShare: shared / total,
    peakPrompt: Math.max(...sim.requests.map((r) => r.promptTokens)),
    input,
    cached,
    output,
    costUsd: ((input - cached) * p.input + cached * p.cachedInput + output * p.output) / 1e6,
    wallS,
  };
}

async function main(): Promise<void> {
  const rows = [await measure('elide-oldest'), await measure('summary')];
  printTable(`Long run: ${STEPS} steps of ${OUTPUT_CHARS / 1024} KB tool outputs, K2.5 window ${WINDOW.toLocaleString('en-US')} tokens, budget (window − 32,768) × 0.9`, [
    ['compaction', 'requests', 'steps that compacted', 'prompt tokens from cache', 'prompt shared with previous request', 'peak prompt tokens', 'input tokens', 'cached', 'output', 'cost at K2.5 prices', 'wall s'],
    ...rows.map((r) => [
      r.strategy === 'summary' ? 'summary, down to ½ budget (now)' : 'elide oldest output per step (before)',
      r.requests,
      r.compactions,
      `${fmt(r.cachedShare * 100, 1)} %`,
      `${fmt(r.prefixShare * 100, 1)} %`,
      r.peakPrompt.toLocaleString('en-US'),
      r.input.toLocaleString('en-US'),
      r.cached.toLocaleString('en-US'),
      r.output.toLocaleString('en-US'),
      `$${fmt(r.costUsd, 3)}`,
      fmt(r.wallS, 1),
    ]),
  ]);
  process.stdout.write('Prices per 1M tokens: $0.60 input, $0.10 cached input, $3.00 output (DESIGN.md §4). Goal: ≥ 70 % of prompt tokens from the cache.\n');
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
