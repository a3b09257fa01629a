// How a sub-agent's lane is named and timed: pure (no DOM), shared by the chat panel's lanes, the
// CLI's lane lines and the extension's Agents view (src/agents/model.ts).

/** The lane's name: the spawn_swarm item, else the first line of the task; whitespace collapsed, cut at `max`. */
export function laneLabel(item: string | undefined, task: string, max = 80): string {
  const raw = (item ?? task.trim().split('\n')[0] ?? '').replace(/\s+/g, ' ').trim();
  return raw.length > max ? `${raw.slice(0, max - 1)}…` : raw || '(no task)';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** 42s, 3m 05s, 1h 02m. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
