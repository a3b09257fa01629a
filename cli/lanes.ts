// Sub-agents stream at the same time: the CLI's human output keeps each one's text whole by
// buffering it per agent and printing complete lines, each prefixed with the agent's lane
// ("[worker#2 src/a.ts] …"). Pure (writes through a callback), so it is unit-testable.
import { laneLabel } from '../webview/lane-label';
import { visible } from '../webview/visible';

/** A line longer than this without a newline is printed in pieces (a model that never breaks lines). */
const MAX_LINE = 2000;
const LABEL_CHARS = 32;

/** The lane's name for a terminal line: control characters escaped, cut short. */
export function cliLaneLabel(spawn: { item?: string; task: string }): string {
  return visible(laneLabel(spawn.item, spawn.task, LABEL_CHARS));
}

interface Buffer {
  text: string;
  reasoning: string;
}

export class LaneBuffers {
  private readonly tags = new Map<string, string>();
  private readonly buffers = new Map<string, Buffer>();

  /** `write(line)` gets whole lines ending in \n; `dim` styles the reasoning lines. */
  constructor(private readonly write: (line: string) => void, private readonly dim: (s: string) => string = (s) => s) {}

  spawned(agentId: string, spawn: { item?: string; task: string }): void {
    const label = cliLaneLabel(spawn);
    this.tags.set(agentId, `[${visible(agentId)}${label ? ` ${label}` : ''}] `);
  }

  /** The prefix for this agent's lines (tool calls use it too). */
  tag(agentId: string): string {
    return this.tags.get(agentId) ?? `[${visible(agentId)}] `;
  }

  text(agentId: string, delta: string): void {
    this.add(agentId, 'text', delta);
  }

  reasoning(agentId: string, delta: string): void {
    this.add(agentId, 'reasoning', delta);
  }

  /** Prints what is left of the agent's partial lines (before its tool call, when it finishes). */
  flush(agentId: string): void {
    const b = this.buffers.get(agentId);
    if (!b) return;
    this.emit(agentId, 'reasoning', b.reasoning, true);
    this.emit(agentId, 'text', b.text, true);
    this.buffers.delete(agentId);
  }

  flushAll(): void {
    for (const id of [...this.buffers.keys()]) this.flush(id);
  }

  private add(agentId: string, kind: keyof Buffer, delta: string): void {
    let b = this.buffers.get(agentId);
    if (!b) this.buffers.set(agentId, (b = { text: '', reasoning: '' }));
    // Text after reasoning: the thought is complete.
    if (kind === 'text' && b.reasoning) {
      this.emit(agentId, 'reasoning', b.reasoning, true);
      b.reasoning = '';
    }
    b[kind] = this.emit(agentId, kind, b[kind] + delta, false);
  }

  /** Writes the complete lines of `pending` (all of it with `all`); returns the unfinished rest. */
  private emit(agentId: string, kind: keyof Buffer, pending: string, all: boolean): string {
    let rest = pending;
    for (;;) {
      const nl = rest.indexOf('\n');
      let line: string;
      if (nl >= 0) {
        line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
      } else if (rest.length > MAX_LINE) {
        line = rest.slice(0, MAX_LINE);
        rest = rest.slice(MAX_LINE);
      } else if (all && rest.trim()) {
        line = rest;
        rest = '';
      } else {
        return all ? '' : rest;
      }
      const shown = visible(line.replace(/\r$/, '').replace(/\t/g, '  '));
      if (!shown.trim()) continue;
      const head = this.tag(agentId);
      this.write(kind === 'reasoning' ? `${this.dim(`${head}thinking: ${shown}`)}\n` : `${head}${shown}\n`);
    }
  }
}
