// Output of `swarmcode run`: JSON lines (--json) or a readable stream for a terminal.
import type { RunResult, SwarmEvent } from '../server/protocol';
import { visible } from '../webview/visible';
import { plural } from '../webview/lane-label';
import { LaneBuffers } from './lanes';

export interface Printer {
  event(event: SwarmEvent): void;
  finish(result: RunResult): void;
  fatal(message: string): void;
}

const dim = (s: string) => (process.stderr.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function brief(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Tool arguments and outputs come from the model: control characters are shown, never sent to the terminal.
  const line = visible((text ?? '').replace(/\s+/g, ' '));
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
  // The top-level agent (`main`) streams as it comes: its text (the answer) on stdout, its thinking
  // on stderr. Sub-agents run at the same time, so theirs is buffered per agent and printed on
  // stderr as whole lines prefixed with the lane (cli/lanes.ts): stdout stays the answer alone.
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
  /** Any whole line for stderr: main's open lines end first, so nothing is printed mid-line. */
  const line = (s: string) => {
    endReasoning();
    endText();
    process.stderr.write(s);
  };
  const lanes = new LaneBuffers(line, dim);
  const isMain = (agentId: string) => agentId === 'main';
  const tag = (agentId: string) => (isMain(agentId) ? '' : lanes.tag(agentId));
  return {
    event(ev) {
      switch (ev.type) {
        case 'reasoning_delta':
          if (!isMain(ev.agentId)) {
            lanes.reasoning(ev.agentId, ev.text);
            break;
          }
          if (!inReasoning) process.stderr.write(dim('thinking: '));
          inReasoning = true;
          process.stderr.write(dim(ev.text));
          break;
        case 'text_delta':
          if (!isMain(ev.agentId)) {
            lanes.text(ev.agentId, ev.text);
            break;
          }
          endReasoning();
          textOpen = true;
          process.stdout.write(ev.text);
          break;
        case 'tool_called':
          lanes.flush(ev.agentId);
          line(`${tag(ev.agentId)}▸ ${ev.name} ${brief(ev.args)}\n`);
          break;
        case 'tool_output':
          line(dim(`${tag(ev.agentId)}  ${ev.ok ? '✓' : '✗'} ${brief(ev.output)}`) + '\n');
          break;
        case 'retry':
          line(`${tag(ev.agentId)}retrying (attempt ${ev.attempt}, ${ev.delayMs} ms): ${visible(ev.reason)}\n`);
          break;
        case 'agent_spawned':
          lanes.spawned(ev.agentId, ev);
          line(`+ ${lanes.tag(ev.agentId)}(${ev.name}): ${brief(ev.task, 80)}\n`);
          break;
        case 'agent_finished':
          lanes.flush(ev.agentId);
          line(`- ${lanes.tag(ev.agentId)}${ev.status} after ${plural(ev.steps, 'step')}\n`);
          break;
        case 'error':
          lanes.flush(ev.agentId);
          line(`${tag(ev.agentId)}error: ${visible(ev.message)}\n`);
          break;
        default:
          break;
      }
    },
    finish(result) {
      lanes.flushAll();
      endReasoning();
      endText();
      const s = result.summary;
      const parts = [`${result.status}`, `${(s.wallMs / 1000).toFixed(1)} s`, plural(s.steps, 'step'), plural(s.toolCalls, 'tool call')];
      parts.push(`tokens ${s.tokens.input} in (${s.tokens.cachedInput} cached) / ${s.tokens.output} out`);
      if (s.agents && s.agents > 1) parts.push(`${s.agents} agents, speedup ${s.speedup?.toFixed(2)}×`);
      process.stderr.write(dim(`— ${parts.join(' · ')}\n`));
      if (result.plan && result.status === 'done') process.stderr.write(dim('— plan mode: nothing was changed; run again without --plan (e.g. "Act on this plan: …") to carry it out\n'));
    },
    fatal(message) {
      lanes.flushAll();
      endReasoning();
      endText();
      process.stderr.write(`error: ${message}\n`);
    },
  };
}
