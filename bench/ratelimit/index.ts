// Rate-limit windows, old booking vs new, in the same run: the real provider and the HTTP model
// simulator, 16 agents sharing one scheduler on a manual clock (minutes of windows take no wall
// time). Every request is recorded where the provider would count it, at the simulator, with its
// actual tokens (prompt + completion); the table shows the worst inclusive 60 s window.
// Replies take replyTokens / BENCH_TPS (default 100) virtual seconds to generate, so requests are
// in flight (booked at their cap) while they stream.
//   npx tsx bench/ratelimit/index.ts
import { Scheduler } from '../../server/swarm/scheduler';
import { scheduled } from '../../server/swarm/scheduled';
import type { ChatModel } from '../../server/model/types';
import { ManualClock } from '../../test/support/clock';
import { perConversation, serializePrompt, startSimulator, type Turn } from '../../test/support/simulator';
import { collect, model, req } from '../../test/unit/model/helpers';
import { fmt, printTable } from '../table';
import { LegacyScheduler, legacyScheduled } from './legacy';

interface Scenario {
  name: string;
  limits: { concurrency: number; rpm: number; tpm: number };
  agents: number;
  steps: number;
  replyTokens: number;
  maxTokens?: number;
  /** Each conversation's first attempt answers 503 and is retried. */
  failFirst?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'tpm 20k, 10k-token replies, no cap', limits: { concurrency: 16, rpm: 0, tpm: 20_000 }, agents: 16, steps: 2, replyTokens: 10_000 },
  { name: 'tpm 20k, 10k-token replies, cap 12k', limits: { concurrency: 16, rpm: 0, tpm: 20_000 }, agents: 16, steps: 2, replyTokens: 10_000, maxTokens: 12_000 },
  { name: 'tpm 200k, 2k-token replies, cap 32k', limits: { concurrency: 16, rpm: 0, tpm: 200_000 }, agents: 16, steps: 4, replyTokens: 2000, maxTokens: 32_768 },
  { name: 'rpm 10, short replies', limits: { concurrency: 16, rpm: 10, tpm: 0 }, agents: 16, steps: 3, replyTokens: 1 },
  { name: 'rpm 10, every first attempt 503', limits: { concurrency: 16, rpm: 10, tpm: 0 }, agents: 16, steps: 1, replyTokens: 1, failFirst: true },
];

interface Send {
  at: number;
  tokens: number;
}

const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Generation speed on the manual clock: a reply takes this long (virtual) before it is answered. */
const TOKENS_PER_SEC = Number(process.env.BENCH_TPS ?? 100);

interface Outcome {
  sends: Send[];
  /** Requests the provider-side limiter answered 429. */
  refused: number;
  /** Agent requests that failed for good (retries used up). */
  failed: number;
}

/**
 * One scenario with one booking. With `limiter`, the simulator also enforces the scenario's limits
 * itself (429 + Retry-After past them); replies then take no virtual time, so that the limiter
 * counts each request at its arrival.
 */
async function run(s: Scenario, booking: 'old' | 'new', limiter = false): Promise<Outcome> {
  const clock = new ManualClock();
  const sends: Send[] = [];
  let generating = 0;
  let failed = 0;
  const tps = limiter ? 0 : TOKENS_PER_SEC;
  const reply: Turn = { text: 'x'.repeat(s.replyTokens * 4) };
  const sim = await startSimulator({
    chunkChars: 4000,
    ...(limiter ? { rateLimit: { rpm: s.limits.rpm, tpm: s.limits.tpm, now: () => clock.now() } } : {}),
    respond: perConversation(() => {
      let n = 0;
      return async (body) => {
        const turn: Turn = s.failFirst && n++ === 0 ? { fault: { status: 503 } } : reply;
        const tokens = turn.fault ? Math.ceil(serializePrompt(body).length / 4) : Math.ceil(serializePrompt(body).length / 4) + s.replyTokens;
        sends.push({ at: clock.now(), tokens });
        if (!turn.fault && tps > 0) {
          generating++;
          await new Promise<void>((r) => clock.setTimeout(r, (s.replyTokens / tps) * 1000));
          generating--;
        }
        return turn;
      };
    }),
  });
  try {
    const provider = model(sim.url, { maxRetries: 6, backoff: { baseMs: 1, maxMs: 20 } });
    let queued: () => number;
    let wrapped: ChatModel;
    if (booking === 'old') {
      const legacy = new LegacyScheduler(s.limits, clock);
      queued = () => legacy.queued;
      wrapped = legacyScheduled(provider, legacy);
    } else {
      const scheduler = new Scheduler(s.limits, clock);
      queued = () => scheduler.queued;
      wrapped = scheduled(provider, scheduler);
    }
    let unfinished = s.agents;
    const agents = Array.from({ length: s.agents }, async (_, i) => {
      try {
        for (let k = 0; k < s.steps; k++) {
          await collect(wrapped.stream(req(`agent ${i}`, s.maxTokens ? { maxTokens: s.maxTokens } : {}), new AbortController().signal)).catch(() => failed++);
        }
      } finally {
        unfinished--;
      }
    });
    while (unfinished > 0) {
      await realSleep(2);
      if (queued() + generating === unfinished && unfinished > 0 && !clock.advanceToNext()) throw new Error(`${s.name} (${booking}): stuck`);
    }
    await Promise.all(agents);
    return { sends, refused: sim.requests.filter((r) => r.status === 429).length, failed };
  } finally {
    await sim.close();
  }
}

function worst(sends: Send[]): { requests: number; tokens: number } {
  let requests = 0;
  let tokens = 0;
  for (const s of sends) {
    const inside = sends.filter((o) => o.at >= s.at && o.at <= s.at + 60_000);
    requests = Math.max(requests, inside.length);
    tokens = Math.max(tokens, inside.reduce((sum, o) => sum + o.tokens, 0));
  }
  return { requests, tokens };
}

async function main(): Promise<void> {
  const rows: (string | number)[][] = [
    ['scenario (16 agents)', 'booking', 'requests', 'most requests / 60 s', 'most tokens / 60 s', 'budget / 60 s', 'virtual min to send all', 'tokens / virtual min'],
  ];
  for (const s of SCENARIOS) {
    for (const booking of ['old', 'new'] as const) {
      const { sends } = await run(s, booking);
      const w = worst(sends);
      const minutes = (sends[sends.length - 1].at - sends[0].at) / 60_000;
      const total = sends.reduce((sum, x) => sum + x.tokens, 0);
      const budget = s.limits.tpm ? `${fmt(s.limits.tpm, 0)} tok` : `${s.limits.rpm} req`;
      const over = s.limits.tpm ? w.tokens > s.limits.tpm : w.requests > s.limits.rpm;
      rows.push([
        s.name,
        booking,
        sends.length,
        w.requests,
        fmt(w.tokens, 0),
        `${budget}${over ? ' (over)' : ''}`,
        fmt(minutes, 1),
        fmt(total / Math.max(1, minutes), 0),
      ]);
    }
  }
  printTable('Rate-limit windows at the endpoint: old booking (prompt/4 + maxTokens ?? 1024, stamped at admission, no usage feedback, retries unbooked) vs new', rows);
  process.stdout.write(
    '* windows are inclusive [t, t + 60 s] over the simulator\'s arrival times (manual clock); tokens are the actual prompt + completion.\n' +
      '  "tokens / virtual min" is over the span from first to last send (at least one minute): what the booking lets through.\n',
  );

  const limited: (string | number)[][] = [['scenario (16 agents)', 'booking', 'requests sent', '429s', 'requests failed (6 retries used up)', 'virtual min']];
  for (const s of SCENARIOS) {
    for (const booking of ['old', 'new'] as const) {
      const o = await run(s, booking, true);
      const minutes = o.sends.length ? (o.sends[o.sends.length - 1].at - o.sends[0].at) / 60_000 : 0;
      limited.push([s.name, booking, o.sends.length, o.refused, o.failed, fmt(minutes, 1)]);
    }
  }
  printTable('Against a provider-side limiter at the same rpm / tpm (the simulator answers 429 + Retry-After past them)', limited);
  process.stdout.write(
    '* the provider\'s own retry wait is real time capped at 20 ms here, not virtual time, so a request the old scheduler lets\n' +
      '  through retries at once; in production it would wait its Retry-After (up to 60 s) alone while the others kept going.\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
