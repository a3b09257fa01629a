// Output of `swarmcode run`: JSON lines (--json) or a readable stream for a terminal.
import type { RunResult, SwarmEvent } from '../server/protocol';

export interface Printer {
  event(event: SwarmEvent): void;
  finish(result: RunResult): void;
  fatal(message: string): void;
}

const dim = (s: string) => (process.stderr.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function brief(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const line = (text ?? '').replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function createPrinter(json: boolean): Printer {
  if (json) {
    return {
      event: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
      finish: () => undefined,
      fatal: (message) => process.stdout.write(`${JSON.stringify({ type: 'error', agentId: 'cli', message })}\n`),
    };
  }
  let inReasoning = false;
  let textOpen = false;
  const endReasoning = () => {
    if (inReasoning) process.stderr.write('\n');
    inReasoning = false;
  };
  const endText = () => {
    if (textOpen) process.stdout.write('\n');
    textOpen = false;
  };
  const tag = (agentId: string) => (agentId === 'main' ? '' : `[${agentId}] `);
  return {
    event(ev) {
      switch (ev.type) {
        case 'reasoning_delta':
          if (!inReasoning) process.stderr.write(dim(`${tag(ev.agentId)}thinking: `));
          inReasoning = true;
          process.stderr.write(dim(ev.text));
          break;
        case 'text_delta':
          endReasoning();
          textOpen = true;
          process.stdout.write(ev.text);
          break;
        case 'tool_called':
          endReasoning();
          endText();
          process.stderr.write(`${tag(ev.agentId)}▸ ${ev.name} ${brief(ev.args)}\n`);
          break;
        case 'tool_output':
          process.stderr.write(dim(`${tag(ev.agentId)}  ${ev.ok ? '✓' : '✗'} ${brief(ev.output)}\n`));
          break;
        case 'retry':
          process.stderr.write(`${tag(ev.agentId)}retrying (attempt ${ev.attempt}, ${ev.delayMs} ms): ${ev.reason}\n`);
          break;
        case 'agent_spawned':
          process.stderr.write(`+ ${ev.agentId} (${ev.name}): ${brief(ev.task, 80)}\n`);
          break;
        case 'agent_finished':
          process.stderr.write(`- ${ev.agentId} ${ev.status} after ${ev.steps} steps\n`);
          break;
        case 'error':
          endReasoning();
          endText();
          process.stderr.write(`error: ${ev.message}\n`);
          break;
        default:
          break;
      }
    },
    finish(result) {
      endReasoning();
      endText();
      const s = result.summary;
      const parts = [`${result.status}`, `${(s.wallMs / 1000).toFixed(1)} s`, `${s.steps} steps`, `${s.toolCalls} tool calls`];
      parts.push(`tokens ${s.tokens.input} in (${s.tokens.cachedInput} cached) / ${s.tokens.output} out`);
      if (s.agents && s.agents > 1) parts.push(`${s.agents} agents, speedup ${s.speedup?.toFixed(2)}×`);
      process.stderr.write(dim(`— ${parts.join(' · ')}\n`));
      if (result.plan && result.status === 'done') process.stderr.write(dim('— plan mode: nothing was changed; run again without --plan (e.g. "Act on this plan: …") to carry it out\n'));
    },
    fatal(message) {
      endText();
      process.stderr.write(`error: ${message}\n`);
    },
  };
}
