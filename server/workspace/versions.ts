// Which version of each file every agent has seen. An agent may change a file only when the file is
// still the version it last read (or wrote itself); otherwise the edit is stale: refused, or for an
// edit_file whose region nobody touched, rebased (see rebase.ts), for which the text the agent saw
// is kept (interned by hash: 32 agents that read one version hold one copy).
import { createHash } from 'node:crypto';

export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

interface LastWrite {
  seq: number;
  agent?: string;
}

export type StaleReason =
  | { kind: 'changed'; by?: string }
  | { kind: 'unread' };

export class VersionTracker {
  private seq = 0;
  private readonly lastWrite = new Map<string, LastWrite>();
  private readonly seen = new Map<string, Map<string, string>>();
  private readonly started = new Map<string, number>();
  private readonly texts = new Map<string, { text: string; refs: number }>();

  /** An agent starts: writes by others before this point count as already visible to it. */
  start(agent: string): void {
    if (!this.started.has(agent)) this.started.set(agent, this.seq);
  }

  noteRead(agent: string | undefined, abs: string, text: string): void {
    if (!agent) return;
    let m = this.seen.get(agent);
    if (!m) this.seen.set(agent, (m = new Map()));
    const hash = textHash(text);
    const old = m.get(abs);
    if (old === hash) return;
    const t = this.texts.get(hash);
    if (t) t.refs++;
    else this.texts.set(hash, { text, refs: 1 });
    m.set(abs, hash);
    if (old !== undefined) this.release(old);
  }

  /**
   * `agent` wrote `text` to `abs`. `believed`: what the agent now takes the file to be when that
   * differs from `text` (a rebased edit: its read plus its own edit, without the others' changes it
   * has not seen), so a later whole-file write from that belief stays refused.
   */
  noteWrite(agent: string | undefined, abs: string, text: string, believed = text): void {
    this.lastWrite.set(abs, { seq: ++this.seq, agent });
    this.noteRead(agent, abs, believed);
  }

  /** The text of `abs` that `agent` last read (or believes after its own writes), if known. */
  seenText(agent: string | undefined, abs: string): string | undefined {
    const h = agent ? this.seen.get(agent)?.get(abs) : undefined;
    return h === undefined ? undefined : this.texts.get(h)?.text;
  }

  private release(hash: string): void {
    const t = this.texts.get(hash);
    if (t && --t.refs <= 0) this.texts.delete(hash);
  }

  /**
   * Why `agent` may not change `abs` whose current text is `current`, or undefined when it may.
   * `mustHaveRead`: overwriting a whole existing file needs a read (or an own write) of this version.
   */
  check(agent: string | undefined, abs: string, current: string, mustHaveRead: boolean): StaleReason | undefined {
    if (!agent) return undefined;
    const known = this.seen.get(agent)?.get(abs);
    const last = this.lastWrite.get(abs);
    if (known !== undefined) {
      if (known === textHash(current)) return undefined;
      return { kind: 'changed', by: last && last.agent !== agent ? last.agent : undefined };
    }
    if (mustHaveRead) return { kind: 'unread' };
    // Never read: refuse only when another agent wrote the file after this one started.
    if (last && last.agent !== agent && last.seq > (this.started.get(agent) ?? 0)) return { kind: 'changed', by: last.agent };
    return undefined;
  }

  /** Drops what a finished run's agents had seen (keys start with `prefix`). */
  forget(prefix: string): void {
    for (const [k, m] of [...this.seen]) {
      if (!k.startsWith(prefix)) continue;
      for (const h of m.values()) this.release(h);
      this.seen.delete(k);
    }
    for (const k of [...this.started.keys()]) if (k.startsWith(prefix)) this.started.delete(k);
  }
}
