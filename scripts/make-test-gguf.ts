// Writes a scaled-down Kimi K2 architecture GGUF: llama.cpp's `deepseek2` arch with multi-head
// latent attention (q/kv LoRA ranks, MLA key/value lengths so llama.cpp takes the absorbed-MLA
// path), a leading dense layer, then MoE layers with many routed experts (sigmoid top-k routing
// with a selection bias, normalised and scaled weights) plus one shared expert. Random, seeded
// weights; a tiny byte-level BPE ("gpt2") vocabulary with Kimi's special tokens as control tokens.
//
//   npx tsx scripts/make-test-gguf.ts [--size tiny|bench] [--out FILE] [--f16]
//
// Tests call `ensureTestGguf()`, which writes `.cache/models/kimi-<size>.gguf` once.
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  bool,
  f32,
  GgmlType,
  i32Arr,
  str,
  strArr,
  u32,
  writeGguf,
  type GgufTensor,
  type GgufValue,
} from './make-test-gguf-writer';

/** Kimi K2 / K2.5 special tokens (text as in Moonshot's tokenizer). */
export const KIMI_SPECIAL_TOKENS = [
  '[BOS]',
  '[EOS]',
  '<|im_end|>',
  '<|im_user|>',
  '<|im_assistant|>',
  '<|im_system|>',
  '<|im_middle|>',
  '<|media_begin|>',
  '<|media_content|>',
  '<|media_end|>',
  '<|media_pad|>',
  '<|tool_calls_section_begin|>',
  '<|tool_calls_section_end|>',
  '<|tool_call_begin|>',
  '<|tool_call_argument_begin|>',
  '<|tool_call_end|>',
  '<think>',
  '</think>',
] as const;

export interface TestModelShape {
  name: string;
  nLayer: number;
  nDenseLead: number;
  nEmbd: number;
  nHead: number;
  qLoraRank: number;
  kvLoraRank: number;
  ropeDim: number;
  qkNopeDim: number;
  vHeadDim: number;
  nFf: number;
  nFfExp: number;
  nExpert: number;
  nExpertUsed: number;
  nExpertShared: number;
  contextLength: number;
  f16: boolean;
}

export const SHAPES: Record<'tiny' | 'bench', TestModelShape> = {
  // Seconds to write and load; used by the unit tests.
  tiny: {
    name: 'kimi-tiny',
    nLayer: 3,
    nDenseLead: 1,
    nEmbd: 64,
    nHead: 4,
    qLoraRank: 48,
    kvLoraRank: 32,
    ropeDim: 16,
    qkNopeDim: 32,
    vHeadDim: 32,
    nFf: 128,
    nFfExp: 32,
    nExpert: 16,
    nExpertUsed: 4,
    nExpertShared: 1,
    // Room for a real agent prompt (tools + system ≈ 8k byte-level tokens) in end-to-end runs.
    contextLength: 32768,
    f16: false,
  },
  // Large enough that decode is dominated by weight reads, small enough for a 2-core machine.
  bench: {
    name: 'kimi-bench',
    nLayer: 6,
    nDenseLead: 1,
    nEmbd: 512,
    nHead: 8,
    qLoraRank: 192,
    kvLoraRank: 128,
    ropeDim: 32,
    qkNopeDim: 64,
    vHeadDim: 64,
    nFf: 1536,
    nFfExp: 256,
    nExpert: 32,
    nExpertUsed: 4,
    nExpertShared: 1,
    contextLength: 4096,
    f16: true,
  },
};

/** Deterministic PRNG (mulberry32) with a Box-Muller normal. */
function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

/** GPT-2 byte → printable unicode mapping used by byte-level BPE vocabularies. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const map: string[] = new Array(256);
  for (const b of bs) map[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (map[b] === undefined) map[b] = String.fromCodePoint(256 + n++);
  return map;
}

// Fragments that get merged tokens, so prompts tokenize into fewer than one token per byte.
const MERGE_WORDS = [
  ' the', ' and', ' to', ' of', ' a', ' is', ' in', ' file', ' path', 'functions', 'read_file', 'list_files',
  'grep', 'edit_file', 'write_file', 'run_command', 'assistant', 'user', 'system', 'tool', 'Return', '{"', '":',
  '":"', '",', '"}', '## ', '\n', ' function', ' const', ' return', 'src', '.ts', 'You', ' are', ' Kimi',
];

export interface Vocab {
  tokens: string[];
  types: number[];
  merges: string[];
}

export function buildVocab(): Vocab {
  const byteMap = bytesToUnicode();
  const tokens: string[] = [];
  const types: number[] = [];
  const seen = new Set<string>();
  const add = (t: string, type: number) => {
    if (seen.has(t)) return;
    seen.add(t);
    tokens.push(t);
    types.push(type);
  };
  for (let b = 0; b < 256; b++) add(byteMap[b]!, 1);
  const merges: string[] = [];
  const mergeSeen = new Set<string>();
  for (const word of MERGE_WORDS) {
    const chars = [...Buffer.from(word, 'utf8')].map((b) => byteMap[b]!);
    let cur = chars[0]!;
    for (const c of chars.slice(1)) {
      const m = `${cur} ${c}`;
      cur += c;
      if (!mergeSeen.has(m)) {
        mergeSeen.add(m);
        merges.push(m);
      }
      add(cur, 1);
    }
  }
  for (const s of KIMI_SPECIAL_TOKENS) add(s, 3); // LLAMA_TOKEN_TYPE_CONTROL
  return { tokens, types, merges };
}

/** Tensor list and metadata for a shape; weights ~ N(0, 1/fan_in), norms 1. */
export function buildModel(shape: TestModelShape, seed = 1234): { kv: Record<string, GgufValue>; tensors: GgufTensor[] } {
  const vocab = buildVocab();
  const nVocab = vocab.tokens.length;
  const s = shape;
  const kHead = s.qkNopeDim + s.ropeDim; // per-head query/key length before absorption
  const randn = rng(seed);
  const wtype = s.f16 ? GgmlType.F16 : GgmlType.F32;
  const tensors: GgufTensor[] = [];
  // The absorbed-MLA products (attn_k_b / attn_v_b against permuted activations) have no f16
  // kernel on llama.cpp's CPU backend in this build (graph scheduling asserts), so they stay f32.
  const f32Only = /attn_[kv]_b/;
  const mat = (name: string, dims: number[], fanIn = dims[0]!) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const scale = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < n; i++) data[i] = randn() * scale;
    tensors.push({ name, dims, type: f32Only.test(name) ? GgmlType.F32 : wtype, data });
  };
  const ones = (name: string, n: number) => tensors.push({ name, dims: [n], type: GgmlType.F32, data: new Float32Array(n).fill(1) });
  const small = (name: string, dims: number[], scale: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = randn() * scale;
    tensors.push({ name, dims, type: GgmlType.F32, data });
  };

  mat('token_embd.weight', [s.nEmbd, nVocab], 1);
  for (let il = 0; il < s.nLayer; il++) {
    const p = `blk.${il}.`;
    ones(p + 'attn_norm.weight', s.nEmbd);
    ones(p + 'attn_q_a_norm.weight', s.qLoraRank);
    ones(p + 'attn_kv_a_norm.weight', s.kvLoraRank);
    mat(p + 'attn_q_a.weight', [s.nEmbd, s.qLoraRank]);
    mat(p + 'attn_q_b.weight', [s.qLoraRank, s.nHead * kHead]);
    mat(p + 'attn_kv_a_mqa.weight', [s.nEmbd, s.kvLoraRank + s.ropeDim]);
    // MLA split of kv_b (as convert_hf_to_gguf writes it for absorbed attention).
    mat(p + 'attn_k_b.weight', [s.qkNopeDim, s.kvLoraRank, s.nHead]);
    mat(p + 'attn_v_b.weight', [s.kvLoraRank, s.vHeadDim, s.nHead]);
    mat(p + 'attn_output.weight', [s.nHead * s.vHeadDim, s.nEmbd]);
    ones(p + 'ffn_norm.weight', s.nEmbd);
    if (il < s.nDenseLead) {
      mat(p + 'ffn_gate.weight', [s.nEmbd, s.nFf]);
      mat(p + 'ffn_up.weight', [s.nEmbd, s.nFf]);
      mat(p + 'ffn_down.weight', [s.nFf, s.nEmbd]);
    } else {
      small(p + 'ffn_gate_inp.weight', [s.nEmbd, s.nExpert], 1 / Math.sqrt(s.nEmbd));
      small(p + 'exp_probs_b.bias', [s.nExpert], 0.01);
      mat(p + 'ffn_gate_exps.weight', [s.nEmbd, s.nFfExp, s.nExpert], s.nEmbd);
      mat(p + 'ffn_up_exps.weight', [s.nEmbd, s.nFfExp, s.nExpert], s.nEmbd);
      mat(p + 'ffn_down_exps.weight', [s.nFfExp, s.nEmbd, s.nExpert], s.nFfExp);
      const shared = s.nFfExp * s.nExpertShared;
      mat(p + 'ffn_gate_shexp.weight', [s.nEmbd, shared]);
      mat(p + 'ffn_up_shexp.weight', [s.nEmbd, shared]);
      mat(p + 'ffn_down_shexp.weight', [shared, s.nEmbd]);
    }
  }
  ones('output_norm.weight', s.nEmbd);
  mat('output.weight', [s.nEmbd, nVocab]);

  const id = (t: string) => vocab.tokens.indexOf(t);
  const a = 'deepseek2';
  const kv: Record<string, GgufValue> = {
    'general.architecture': str(a),
    'general.name': str(s.name),
    'general.file_type': u32(s.f16 ? 1 : 0),
    [`${a}.context_length`]: u32(s.contextLength),
    [`${a}.embedding_length`]: u32(s.nEmbd),
    [`${a}.block_count`]: u32(s.nLayer),
    [`${a}.feed_forward_length`]: u32(s.nFf),
    [`${a}.attention.head_count`]: u32(s.nHead),
    // Absorbed MLA: one shared latent "KV head" of kv_lora_rank (+ rope) width.
    [`${a}.attention.head_count_kv`]: u32(1),
    [`${a}.attention.key_length`]: u32(s.kvLoraRank + s.ropeDim),
    [`${a}.attention.value_length`]: u32(s.kvLoraRank),
    [`${a}.attention.key_length_mla`]: u32(kHead),
    [`${a}.attention.value_length_mla`]: u32(s.vHeadDim),
    [`${a}.attention.q_lora_rank`]: u32(s.qLoraRank),
    [`${a}.attention.kv_lora_rank`]: u32(s.kvLoraRank),
    [`${a}.attention.layer_norm_rms_epsilon`]: f32(1e-6),
    [`${a}.rope.freq_base`]: f32(50000),
    [`${a}.rope.dimension_count`]: u32(s.ropeDim),
    [`${a}.leading_dense_block_count`]: u32(s.nDenseLead),
    [`${a}.expert_count`]: u32(s.nExpert),
    [`${a}.expert_used_count`]: u32(s.nExpertUsed),
    [`${a}.expert_shared_count`]: u32(s.nExpertShared),
    [`${a}.expert_feed_forward_length`]: u32(s.nFfExp),
    [`${a}.expert_weights_scale`]: f32(2.827),
    [`${a}.expert_weights_norm`]: bool(true),
    [`${a}.expert_gating_func`]: u32(2), // sigmoid, as DeepSeek V3 / Kimi K2
    [`${a}.vocab_size`]: u32(nVocab),
    'tokenizer.ggml.model': str('gpt2'),
    'tokenizer.ggml.pre': str('kimi-k2'),
    'tokenizer.ggml.tokens': strArr(vocab.tokens),
    'tokenizer.ggml.token_type': i32Arr(vocab.types),
    'tokenizer.ggml.merges': strArr(vocab.merges),
    'tokenizer.ggml.bos_token_id': u32(id('[BOS]')),
    'tokenizer.ggml.eos_token_id': u32(id('[EOS]')),
    'tokenizer.ggml.eot_token_id': u32(id('<|im_end|>')),
    'tokenizer.ggml.padding_token_id': u32(id('[EOS]')),
    'tokenizer.ggml.add_bos_token': bool(false),
  };
  return { kv, tensors };
}

/** Writes the GGUF (atomically) and returns its path. */
export function makeTestGguf(outPath: string, shape: TestModelShape, seed = 1234): string {
  mkdirSync(dirname(outPath), { recursive: true });
  const { kv, tensors } = buildModel(shape, seed);
  const tmp = `${outPath}.${process.pid}.tmp`;
  writeGguf(tmp, kv, tensors);
  renameSync(tmp, outPath);
  return outPath;
}

export function repoRoot(): string {
  return resolve(__dirname, '..');
}

/** `.cache/models/kimi-<size>.gguf`, written on first use. */
export function ensureTestGguf(size: keyof typeof SHAPES = 'tiny', dir = join(repoRoot(), '.cache', 'models')): string {
  const shape = SHAPES[size];
  const path = join(dir, `${shape.name}.gguf`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  return makeTestGguf(path, shape);
}

/** Parameter counts of a shape: total and active per token (embedding lookup excluded). */
export function paramCounts(s: TestModelShape, nVocab = buildVocab().tokens.length): { total: number; active: number } {
  const kHead = s.qkNopeDim + s.ropeDim;
  const attn =
    s.nEmbd * s.qLoraRank + s.qLoraRank * s.nHead * kHead + s.nEmbd * (s.kvLoraRank + s.ropeDim) +
    s.qkNopeDim * s.kvLoraRank * s.nHead + s.kvLoraRank * s.vHeadDim * s.nHead + s.nHead * s.vHeadDim * s.nEmbd;
  const dense = 3 * s.nEmbd * s.nFf;
  const expert = 3 * s.nEmbd * s.nFfExp;
  const moeLayers = s.nLayer - s.nDenseLead;
  const router = s.nEmbd * s.nExpert;
  const head = s.nEmbd * nVocab;
  const total = s.nLayer * attn + s.nDenseLead * dense + moeLayers * (router + (s.nExpert + s.nExpertShared) * expert) + head;
  const active = s.nLayer * attn + s.nDenseLead * dense + moeLayers * (router + (s.nExpertUsed + s.nExpertShared) * expert) + head;
  return { total, active };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const size = (argv[argv.indexOf('--size') + 1] as keyof typeof SHAPES | undefined) ?? 'tiny';
  const shape = { ...(SHAPES[argv.includes('--size') ? size : 'tiny'] ?? SHAPES.tiny) };
  if (argv.includes('--f16')) shape.f16 = true;
  const out = argv.includes('--out') ? resolve(argv[argv.indexOf('--out') + 1]!) : join(repoRoot(), '.cache', 'models', `${shape.name}.gguf`);
  const path = makeTestGguf(out, shape);
  process.stdout.write(`${path} (${statSync(path).size} bytes)\n`);
}
