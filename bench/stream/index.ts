// Streaming throughput and added latency: simulator → server → CLI (--json), side by side with
// the simulator read directly over HTTP in the same run.   npx tsx bench/stream/index.ts
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../test/support/simulator';
import { ensureBuilt, ROOT, tempDir } from '../../test/support/server';
import { fmt, percentile, printTable } from '../table';

const CHUNK = 8; // characters per streamed delta: 2 "tokens"
const EVENTS = Number(process.env.BENCH_EVENTS ?? 4000);

/** Unique fixed-width pieces so every delta can be matched to the moment it was sent. */
function scriptText(): string {
  return Array.from({ length: EVENTS }, (_, i) => `w${String(i).padStart(CHUNK - 2, '0')} `).join('');
}

interface Measure {
  events: number;
  tokensPerSec: number;
  latencies: number[];
  ttftMs: number;
}

async function withSim<T>(tokensPerSec: number, fn: (sim: Simulator, sent: Map<string, number>) => Promise<T>): Promise<T> {
  const sent = new Map<string, number>();
  const sim = await startSimulator({
    respond: () => ({ text: scriptText() }),
    chunkChars: CHUNK,
    latency: { ttftMs: 0, tokensPerSec },
    onChunk: (delta, at) => typeof delta.content === 'string' && sent.set(delta.content, at),
  });
  try {
    return await fn(sim, sent);
  } finally {
    await sim.close();
  }
}

function summarise(recv: [string, number][], sent: Map<string, number>, start: number): Measure {
  const latencies = recv.map(([text, at]) => at - (sent.get(text) ?? NaN)).filter(Number.isFinite);
  const first = recv[0]?.[1] ?? NaN;
  const last = recv.at(-1)?.[1] ?? NaN;
  const tokens = (recv.length * CHUNK) / 4;
  return { events: recv.length, tokensPerSec: tokens / ((last - first) / 1000), latencies, ttftMs: first - start };
}

async function direct(tokensPerSec: number): Promise<Measure> {
  return withSim(tokensPerSec, async (sim, sent) => {
    const start = performance.now();
    const res = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ model: 'kimi-k2.5', stream: true, messages: [{ role: 'user', content: 'go' }] }),
    });
    const recv: [string, number][] = [];
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const now = performance.now();
      buf += decoder.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
        const content = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
        if (content) recv.push([content, now]);
      }
    }
    return summarise(recv, sent, start);
  });
}

async function viaCli(tokensPerSec: number): Promise<Measure & { startupMs: number; messages: number }> {
  const ws = tempDir();
  try {
    return await withSim(tokensPerSec, async (sim, sent) => {
      const start = performance.now();
      const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'run', '--json', '--workspace', ws.path, '--base-url', sim.url, '--thinking', 'off', 'go'], {
        env: { ...process.env, MOONSHOT_API_KEY: 'k' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const recv: [string, number][] = [];
      let messages = 0;
      let requestAt = NaN;
      let buf = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        const now = performance.now();
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const ev = JSON.parse(buf.slice(0, i));
          buf = buf.slice(i + 1);
          // The server merges deltas that arrive together: split them back into the pieces sent.
          if (ev.type === 'text_delta') messages++;
          if (ev.type === 'text_delta') for (let k = 0; k < ev.text.length; k += CHUNK) recv.push([ev.text.slice(k, k + CHUNK), now]);
        }
      });
      void sim.waitForRequests(1).then(() => (requestAt = performance.now()));
      await new Promise((r) => child.on('exit', r));
      const m = summarise(recv, sent, requestAt);
      return { ...m, messages, startupMs: requestAt - start };
    });
  } finally {
    ws.cleanup();
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  const rows: (string | number)[][] = [['path', 'sim rate (tok/s)', 'deltas', 'messages', 'tokens/s', 'p50 ms/event', 'p99 ms/event', 'TTFT ms', 'CLI start-up ms']];
  for (const rate of [0, 500]) {
    const label = rate === 0 ? 'unthrottled' : String(rate);
    const d = await direct(rate);
    const c = await viaCli(rate);
    rows.push(['simulator → HTTP client (baseline)', label, d.events, d.events, fmt(d.tokensPerSec, 0), fmt(percentile(d.latencies, 50), 2), fmt(percentile(d.latencies, 99), 2), fmt(d.ttftMs), '–']);
    rows.push(['simulator → server → CLI --json', label, c.events, c.messages, fmt(c.tokensPerSec, 0), fmt(percentile(c.latencies, 50), 2), fmt(percentile(c.latencies, 99), 2), fmt(c.ttftMs), fmt(c.startupMs, 0)]);
  }
  printTable(`Streaming, ${EVENTS} deltas of ${CHUNK} chars (latency = client receive − simulator send, same clock)`, rows);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
