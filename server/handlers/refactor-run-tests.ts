// swarm/refactor: running the project's tests contained (the sandbox when there is one), in the
// workspace (the merged result of every shard) or in a scratch copy of it (bisection).
import * as path from 'node:path';
import type { ServerContext } from '../context';
import { execShell } from '../tools/process';

export const TEST_TIMEOUT_MS = 10 * 60_000;
/** Enough of the output to find every failing test in it; the result shows less. */
const KEEP_CHARS = 200_000;

export interface TestRun {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  output: string;
}

/** `command` in `dir`; `readOnly` extra paths the sandbox shows (the workspace, for a scratch copy's links). */
export async function runTests(ctx: ServerContext, command: string, dir: string, signal: AbortSignal, readOnly: string[] = []): Promise<TestRun> {
  const sandbox = ctx.sandbox;
  // No bytecode caches: a scratch copy rewrites sources within one second, which .pyc stamps miss.
  const extra = { PYTHONDONTWRITEBYTECODE: '1' };
  // Multi-root: the workspace is a folder of links; every root is writable, the folder visible.
  const ws = ctx.workspace;
  const box = dir === ws.root && ws.folders ? { writable: [...(ws.roots ?? [])], readOnly: [dir, ...readOnly] } : { readOnly };
  const via = sandbox.available
    ? (argv: string[]) => {
        const spec = sandbox.wrap(argv, dir, box);
        return spec ? { ...spec, env: { ...spec.env, ...extra } } : undefined;
      }
    : undefined;
  const r = await execShell(command, { cwd: dir, timeoutMs: TEST_TIMEOUT_MS, signal, keepChars: KEEP_CHARS, via, env: { ...sandbox.childEnv(), ...extra }, shell: sandbox.shell });
  const output = dir === ws.root && ws.folders ? throughLinks(r.output, ws.root, ws.roots ?? [], ws.folders) : r.output;
  return { passed: r.exitCode === 0 && !r.timedOut, exitCode: r.exitCode, timedOut: r.timedOut, output };
}

/**
 * Multi-root: test runners print the real paths of files (node and Python resolve links), which
 * lie outside the folder of links the tests ran in; each root's real path becomes its link's
 * (`<farm>/web/…`), so the failures map to workspace paths (`web/…`). Longest root first (nested roots).
 */
export function throughLinks(output: string, farm: string, roots: readonly string[], folders: readonly string[]): string {
  const pairs = roots.map((real, i) => [real, path.join(farm, folders[i] ?? '')] as const).filter(([real]) => real.length > 1);
  pairs.sort((a, b) => b[0].length - a[0].length);
  let out = output;
  for (const [real, link] of pairs) out = out.split(`${real}${path.sep}`).join(`${link}${path.sep}`);
  return out;
}

/** Head and tail of a long output, for the result. */
export function shortened(output: string, keep = 4000): string {
  if (output.length <= 2 * keep) return output;
  return `${output.slice(0, keep)}\n[… ${output.length - 2 * keep} characters left out …]\n${output.slice(-keep)}`;
}
