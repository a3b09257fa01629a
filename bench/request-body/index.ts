// What encoding the request body costs per step as a conversation grows: the SDK's way (the whole
// body through JSON.stringify, then to UTF-8 bytes) beside SwarmCode's (each message encoded once,
// the bytes reused every step), same conversation, same process.   npx tsx bench/request-body/index.ts
import { buildBody, encodeBody } from '../../server/model/openai-request';
import type { ChatMessage } from '../../server/model/types';
import { fmt, printTable } from '../table';

const STEPS = Number(process.env.BENCH_STEPS ?? 800);
const OUTPUT_CHARS = Number(process.env.BENCH_OUTPUT_CHARS ?? 1200);
const CHECKPOINTS = [100, 200, 400, 800, 1600].filter((n) => n <= STEPS);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** One agent step: an assistant tool call and its result (a file excerpt, some CJK, some JSON). */
function step(i: number): ChatMessage[] {
  const out = `// file_${i}.ts 第${i}步\n` + `export const value${i} = { "n": ${i}, "s": "é\\"q" };\n`.repeat(Math.ceil(OUTPUT_CHARS / 48)).slice(0, OUTPUT_CHARS);
  return [
    { role: 'assistant', content: '', reasoning: `look at file_${i}`, toolCalls: [{ id: `c${i}`, name: 'read_file', arguments: `{"path":"src/file_${i}.ts"}` }] },
    { role: 'tool', toolCallId: `c${i}`, name: 'read_file', content: out },
  ];
}

function run(encode: (messages: ChatMessage[]) => number): Map<number, { msPerStep: number; bytes: number }> {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You are a coding agent.'.repeat(200) },
    { role: 'user', content: 'Refactor the project.' },
  ];
  const at = new Map<number, { msPerStep: number; bytes: number }>();
  let from = cpuMs();
  let sinceLast = 0;
  let bytes = 0;
  for (let i = 1; i <= STEPS; i++) {
    messages.push(...step(i));
    bytes = encode(messages);
    sinceLast++;
    if (CHECKPOINTS.includes(i)) {
      const now = cpuMs();
      at.set(i, { msPerStep: (now - from) / sinceLast, bytes });
      from = now;
      sinceLast = 0;
    }
  }
  return at;
}

const tools = [{ name: 'read_file', description: 'Reads a file.', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];
const body = (messages: ChatMessage[]) => buildBody('kimi-k2.5', { messages, tools, thinking: true }, 'moonshot', 32_768);
const sdk = run((m) => Buffer.from(JSON.stringify(body(m)), 'utf8').length);
const ours = run((m) => encodeBody(body(m)).length);

const rows: (string | number)[][] = [['steps so far', 'body KB', 'JSON.stringify + UTF-8 (before) ms/step', 'encodeBody (now) ms/step', 'saved']];
for (const n of CHECKPOINTS) {
  const a = sdk.get(n)!;
  const b = ours.get(n)!;
  rows.push([n, fmt(a.bytes / 1024, 0), fmt(a.msPerStep, 2), fmt(b.msPerStep, 2), `${fmt(a.msPerStep / b.msPerStep, 1)}×`]);
}
printTable(`Request body encoding, CPU per step (average over the steps since the previous row; ${OUTPUT_CHARS}-character tool outputs)`, rows);
