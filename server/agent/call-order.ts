// Which earlier calls of one model turn each call must wait for, so results come in call order:
// a call waits for every earlier call that touches an overlapping path when either of them writes
// (`edit_file a` then `read_file a`: the read sees the edit; `read_file a` then `write_file a`: the
// read sees the old text), and writes still queue behind writes. Reads of disjoint (or the same)
// paths start at once. A call whose paths are unknown touches the whole workspace.
import * as path from 'node:path';
import type { Tool } from '../tools/types';

export interface CallFacts {
  /** Changes the workspace (or runs processes) and is not declared safe in parallel. */
  writes: boolean;
  /** Normalized workspace-relative paths; undefined = the whole workspace. */
  paths?: string[];
}

/** What `tool` does with these (raw JSON) arguments, for ordering. Parallel tools never wait. */
export function callFacts(tool: Tool | undefined, rawArgs: string): CallFacts | undefined {
  if (!tool || (tool.mutating && tool.parallel)) return undefined;
  const writes = tool.mutating;
  if (!tool.paths) return { writes };
  try {
    const given = tool.paths(JSON.parse(rawArgs || '{}'));
    const norm = given?.map(normalize);
    return { writes, paths: norm?.some((p) => p === undefined) ? undefined : (norm as string[]) };
  } catch {
    return { writes };
  }
}

/** `deps[i]`: indices of the earlier calls call i must wait for. */
export function callDependencies(facts: (CallFacts | undefined)[]): number[][] {
  return facts.map((f, i) => {
    if (!f) return [];
    const deps: number[] = [];
    for (let j = 0; j < i; j++) {
      const e = facts[j];
      if (e && (e.writes || f.writes) && ((e.writes && f.writes) || overlap(e.paths, f.paths))) deps.push(j);
    }
    return deps;
  });
}

function overlap(a?: string[], b?: string[]): boolean {
  if (!a || !b) return true;
  return a.some((x) => b.some((y) => x === '.' || y === '.' || x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`)));
}

/** `./src//a.ts/` → `src/a.ts`; absolute or escaping paths → undefined (treated as everything). */
function normalize(p: unknown): string | undefined {
  if (typeof p !== 'string') return undefined;
  const s = path.posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (s === '' || s === '.') return '.';
  if (path.posix.isAbsolute(s) || /^[A-Za-z]:/.test(s) || s === '..' || s.startsWith('../')) return undefined;
  return s;
}
