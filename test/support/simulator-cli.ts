// Runs the model simulator as its own process, for the e2e test and benchmarks:
//   node --import tsx test/support/simulator-cli.ts [--port N] [--script FILE.json] [--ttft MS] [--tps N]
//        [--chunk-chars N] [--api-key KEY] [--require-reasoning] [--reasoning-field reasoning] [--shared-script]
// Prints its base URL (…/v1) as the first (and only) stdout line.
// The script file is a JSON array of turns (or {"turns": [...]}) played in a cycle, separately for
// each conversation (first user message) unless --shared-script; without a script every turn
// echoes "You said: <last user text>". SIGINT/SIGTERM stop it.
import { readFileSync } from 'node:fs';
import { echoTurn, perConversation, script, startSimulator, type Responder, type SimulatorOptions, type Turn } from './simulator';

function usage(msg: string): never {
  process.stderr.write(`simulator-cli: ${msg}\n`);
  process.exit(2);
}

function parse(argv: string[]): SimulatorOptions {
  const opts: SimulatorOptions = { latency: {} };
  let turns: Turn[] | undefined;
  let shared = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    const num = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) usage(`${flag} needs a non-negative number`);
      return n;
    };
    switch (flag) {
      case '--port': opts.port = num(); break;
      case '--ttft': opts.latency!.ttftMs = num(); break;
      case '--tps': opts.latency!.tokensPerSec = num(); break;
      case '--chunk-chars': opts.chunkChars = num(); break;
      case '--api-key': opts.apiKey = value(); break;
      case '--require-reasoning': opts.requireReasoningOnToolCalls = true; break;
      case '--reasoning-field': opts.reasoningField = value() === 'reasoning' ? 'reasoning' : 'reasoning_content'; break;
      case '--shared-script': shared = true; break;
      case '--script': {
        const file = value();
        let data: unknown;
        try {
          data = JSON.parse(readFileSync(file, 'utf8'));
        } catch (err) {
          usage(`cannot read script ${file}: ${(err as Error).message}`);
        }
        const list = Array.isArray(data) ? data : (data as { turns?: unknown }).turns;
        if (!Array.isArray(list)) usage(`${file}: expected an array of turns or {"turns": [...]}`);
        turns = list as Turn[];
        break;
      }
      case '--help': case '-h':
        process.stdout.write('usage: simulator-cli [--port N] [--script FILE.json] [--ttft MS] [--tps N] [--chunk-chars N] [--api-key KEY] [--require-reasoning] [--reasoning-field reasoning] [--shared-script]\n');
        process.exit(0);
      default: usage(`unknown argument ${flag}`);
    }
  }
  let respond: Responder = echoTurn;
  if (turns && turns.length > 0) {
    const list = turns;
    respond = shared ? script(list, { cycle: true }) : perConversation(() => script(list, { cycle: true }));
  }
  opts.respond = respond;
  return opts;
}

async function main(): Promise<void> {
  const sim = await startSimulator(parse(process.argv.slice(2)));
  process.stdout.write(`${sim.url}\n`);
  const stop = () => {
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: Error) => usage(err.message));
