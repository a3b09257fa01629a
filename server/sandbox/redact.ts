// Known secret values (the API key, values of scrubbed variables) cut out of tool outputs and events.
import { MIN_SECRET_CHARS } from './env';

export const REDACTED = '[redacted secret]';

export class Redactor {
  private secrets: string[] = [];

  /** Replaces the set of known secrets (longest first, so a secret containing another is cut whole). */
  set(values: Iterable<string | undefined>): void {
    const uniq = new Set<string>();
    for (const v of values) if (v && v.length >= MIN_SECRET_CHARS) uniq.add(v);
    this.secrets = [...uniq].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.secrets.length;
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
}
