// Decode throughput of the embedded engine on the Kimi-architecture test model, with 1, 4 and 8
// parallel sequences decoded in shared batches, side by side with the memory-bandwidth bound for
// that model on this machine (bytes of weights read per decode step ÷ bandwidth measured in the
// same run).
//
//   npx tsx bench/model/index.ts [--size bench|tiny] [--threads N] [--tokens N] [--no-run]
//
// Then, unless --no-run, the real-run profile of bench/model/run.ts on the tiny model: where a
// run's time goes (threads), before and after this engine's defaults.
import { performance } from 'node:perf_hooks';
import type { Token } from 'node-llama-cpp';
import { buildVocab, ensureTestGguf, SHAPES, type TestModelShape } from '../../scripts/make-test-gguf';
import { getRuntime, loadLocalModel, disposeLocalModels } from '../../server/model/llama/runtime';
import { SequencePool } from '../../server/model/llama/sequences';
import { runProfile } from './run';

const argv = process.argv.slice(2);
const arg = (name: string, def: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : def);
const size = arg('--size', 'bench') as keyof typeof SHAPES;
const threads = Number(arg('--threads', '1'));
const tokens = Number(arg('--tokens', '64'));
const PARALLEL = [1, 4, 8];

/** Copy bandwidth of one thread over buffers far larger than the caches: (read + write) bytes / s. */
function measureBandwidth(): number {
  const n = 256 * 1024 * 1024;
  const src = Buffer.alloc(n, 1);
  const dst = Buffer.alloc(n);
  src.copy(dst); // fault pages in
  let best = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    src.copy(dst);
    const s = (performance.now() - t) / 1000;
    best = Math.max(best, (2 * n) / s);
  }
  return best;
}

/** Bytes read per decode step of `batch` tokens: shared weights once, plus the distinct routed experts. */
function bytesPerStep(s: TestModelShape, batch: number): { shared: number; experts: number } {
  const w = s.f16 ? 2 : 4;
  const nVocab = buildVocab().tokens.length;
  const kHead = s.qkNopeDim + s.ropeDim;
  const attn =
    s.nEmbd * s.qLoraRank + s.qLoraRank * s.nHead * kHead + s.nEmbd * (s.kvLoraRank + s.ropeDim) + s.nHead * s.vHeadDim * s.nEmbd;
  // attn_k_b / attn_v_b are always f32 in the test model (see make-test-gguf.ts).
  const mlaF32Bytes = s.nLayer * 4 * (s.qkNopeDim * s.kvLoraRank * s.nHead + s.kvLoraRank * s.vHeadDim * s.nHead);
  const moeLayers = s.nLayer - s.nDenseLead;
  const expert = 3 * s.nEmbd * s.nFfExp;
  const sharedParams =
    s.nLayer * attn + s.nDenseLead * 3 * s.nEmbd * s.nFf + moeLayers * s.nExpertShared * expert + s.nEmbd * nVocab;
  const routerBytes = moeLayers * s.nEmbd * s.nExpert * 4; // f32
  // Expected distinct experts when `batch` tokens each pick k of E (uniform routing).
  const distinct = s.nExpert * (1 - Math.pow(1 - s.nExpertUsed / s.nExpert, batch));
  return { shared: sharedParams * w + routerBytes + mlaF32Bytes, experts: moeLayers * distinct * expert * w };
}

async function main(): Promise<void> {
  const shape = SHAPES[size];
  const t0 = performance.now();
  const path = ensureTestGguf(size);
  const genMs = performance.now() - t0;
  const bw = measureBandwidth();

  const llama = await getRuntime(false);
  const model = await loadLocalModel({ model: path, gpu: false });
  const pool = await SequencePool.create(model, { sequences: Math.max(...PARALLEL), contextSize: 512, threads });
  const prompt = model.tokenize('<|im_user|>user<|im_middle|>Write the function.<|im_end|><|im_assistant|>assistant<|im_middle|><think></think>', true);

  const rows: string[][] = [];
  for (const n of PARALLEL) {
    const ctl = new AbortController();
    const seqs = await Promise.all(Array.from({ length: n }, () => pool.acquire(prompt, ctl.signal)));
    for (const s of seqs) await s.clearHistory();
    const firstAt: number[] = [];
    const doneAt: number[] = [];
    const counts: number[] = [];
    await Promise.all(
      seqs.map(async (seq, i) => {
        let c = 0;
        const gen = seq.evaluate(prompt as Token[], { temperature: 0.8, seed: i + 1, yieldEogToken: true });
        for await (const _ of gen) {
          if (c === 0) firstAt[i] = performance.now();
          if (++c > tokens) break;
        }
        doneAt[i] = performance.now();
        counts[i] = c - 1; // tokens decoded after the first (prefill) one
      }),
    );
    seqs.forEach((s) => pool.release(s));
    const decoded = counts.reduce((a, b) => a + b, 0);
    const seconds = (Math.max(...doneAt) - Math.min(...firstAt)) / 1000;
    const tps = decoded / seconds;
    const b = bytesPerStep(shape, n);
    const boundTps = (n * bw) / 2 / (b.shared + b.experts); // read bandwidth ≈ copy (read+write) / 2
    rows.push([String(n), tps.toFixed(1), (tps / n).toFixed(1), ((b.shared + b.experts) / 1e6).toFixed(1), boundTps.toFixed(0), `${((100 * tps) / boundTps).toFixed(0)}%`]);
  }
  await pool.dispose();
  await disposeLocalModels();

  const active = bytesPerStep(shape, 1);
  const out: string[] = [];
  out.push(`model: ${shape.name} (deepseek2: ${shape.nLayer} layers, ${shape.nDenseLead} dense, ${shape.nExpert} experts top-${shape.nExpertUsed} + ${shape.nExpertShared} shared, ${shape.f16 ? 'f16' : 'f32'}), written in ${genMs.toFixed(0)} ms`);
  out.push(`runtime: llama.cpp ${llama.gpu || 'cpu'}, ${threads} thread(s); bytes of active weights per token: ${((active.shared + active.experts) / 1e6).toFixed(1)} MB`);
  out.push(`memory bandwidth (1-thread Buffer copy, same run): ${(bw / 1e9).toFixed(2)} GB/s read+write → ${(bw / 2e9).toFixed(2)} GB/s read`);
  out.push('');
  const head = ['sequences', 'decode tok/s', 'tok/s per seq', 'MB read / step', 'bandwidth bound tok/s', 'of bound'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  out.push(line(head));
  out.push(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) out.push(line(r));
  out.push('');
  out.push('bound = sequences × read bandwidth ÷ bytes read per batched step (shared weights once + expected distinct routed experts).');
  process.stdout.write(`${out.join('\n')}\n`);
  if (!argv.includes('--no-run')) await runProfile(ensureTestGguf('tiny'), { tokens: 8, context: 16384 });
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
