// Argument helpers shared by `swarmcode render` and `swarmcode compare`.
import { parseArgs } from 'node:util';
import { BrowserNotFoundError } from '../server/visual/browser-path';

export class VisualUsageError extends Error {
  override name = 'VisualUsageError';
}

export interface VisualArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseVisualArgs(argv: string[], options: Record<string, { type: 'string' | 'boolean' }>): VisualArgs {
  try {
    const r = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...options, browser: { type: 'string' } } });
    return { values: r.values as VisualArgs['values'], positionals: r.positionals };
  } catch (e) {
    throw new VisualUsageError((e as Error).message);
  }
}

export function intOption(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 16 || n > 8192) throw new VisualUsageError(`--${name} must be an integer between 16 and 8192`);
  return n;
}

/** Exit code and message for an error of a visual command: 2 for usage/configuration, 1 otherwise. */
export function reportError(cmd: string, usage: string, e: unknown): number {
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof VisualUsageError) {
    process.stderr.write(`swarmcode ${cmd}: ${msg}\nusage: ${usage}\n`);
    return 2;
  }
  process.stderr.write(`swarmcode ${cmd}: ${msg}\n`);
  return e instanceof BrowserNotFoundError ? 2 : 1;
}
