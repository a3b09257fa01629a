// Typed loader of the swarm_index addon (DESIGN.md §5.10). Only server/ imports this.
// `loadNative()` never throws: it returns the addon, or undefined plus the reason, so the
// caller can fall back to ripgrep and log why.
import { truncatedLibrary } from './elf';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A query plan: the literals a matching line must contain (ASCII case-insensitive at the index). */
export type Plan = { op: 'all' } | { op: 'lit'; s: string } | { op: 'and' | 'or'; args: Plan[] };

/** Per-file outcome of `addFiles` (the values of `statuses`). */
export const FILE_STATUS = ['indexed', 'overflow', 'binary', 'unreadable', 'removed'] as const;
export type FileStatus = (typeof FILE_STATUS)[number];

export interface IndexOptions {
  /** Files larger than this are not held in memory; they are read from disk on each query. */
  maxFileBytes?: number;
  /** Once the index holds this many bytes, further files are read from disk on each query. */
  memoryCapBytes?: number;
  /** Match text is cut to this many bytes. */
  maxLineBytes?: number;
}

export interface LiteralMatches {
  ids: Uint32Array;
  /** 1-based. */
  lines: Uint32Array;
  /** 1-based byte column of the first occurrence in the line (as ripgrep's --column). */
  columns: Uint32Array;
  texts: string[];
  /** More matching lines exist past `max`. */
  truncated: boolean;
}

export interface CandidateLines {
  /** Where to resume: ids[next] from byte nextOff (line nextLine); nextOff 0: from its start. */
  next: number;
  nextOff: number;
  nextLine: number;
  ids: Uint32Array;
  /** 1-based. */
  lines: Uint32Array;
  /** Byte length of each line, without '\n' (a trailing '\r' is kept). */
  lens: Uint32Array;
  /**
   * Each line decoded as UTF-8 ('' when longer than `textCap` bytes or over the risk budget);
   * for a windowed line, its head (LineSpec.headChars).
   */
  texts: string[];
  /** Windowed lines (winCount > 0): their windows are winFirst .. winFirst+winCount-1. */
  winFirst: Uint32Array;
  winCount: Uint32Array;
  winTexts: string[];
  /** Byte offset of each window in its line. */
  winStarts: Uint32Array;
  /** Bit 0: the window's first code point is context only; bit 1: its last. */
  winPads: Uint8Array;
}

export interface LineSpec {
  /** Literals every candidate line must contain. */
  plan: Plan;
  /** Plan literals match ASCII case-insensitively. */
  ci?: boolean;
  /** When given, a candidate line also holds `runLen` consecutive bytes b with runSet[b] != 0. */
  runLen?: number;
  runSet?: Uint8Array;
  /**
   * Backtracking budget for regexes with unbounded repetition: a line whose estimated cost
   * (occurrences of riskPrefix, or riskSet bytes, times (longest riskSet run + 1)^riskPower)
   * exceeds riskBudget comes back with text '' (verify it with a linear engine instead).
   */
  riskSet?: Uint8Array;
  riskPrefix?: string;
  riskPower?: number;
  riskBudget?: number;
  /**
   * Longest match in bytes apart from what unbounded repeats eat (runs of reachSets bytes).
   * When given, long lines come back as windows around the plan's literals.
   */
  fixedLen?: number;
  /** 256 bytes per unbounded repeat: the bytes it can eat (a match is at most fixedLen + their longest runs). */
  reachSets?: Uint8Array;
  /** A windowed line's head (texts[k]) holds at most this many UTF-16 code units, at least 1 (default 8192). */
  headChars?: number;
}

export interface LiteralCounts {
  ids: Uint32Array;
  /** Lines containing the needle, per file. */
  lines: Uint32Array;
  /** Non-overlapping occurrences, per file. */
  matches: Uint32Array;
  /** Stopped at the line cap (the last file's counts are partial). */
  capped: boolean;
}

export interface IndexStats {
  files: number;
  indexedFiles: number;
  overflowFiles: number;
  contentBytes: number;
  postingBytes: number;
  tableBytes: number;
  metaBytes: number;
  /** Block filters of large files (positional trigram filters). */
  blockBytes: number;
  /** Everything the index holds: text, posting lists, hash table, file table. */
  totalBytes: number;
  trigrams: number;
  postings: number;
  deadFiles: number;
}

export interface NativeTrigramIndex {
  /** Reads, classifies and indexes files on a worker thread; replaces files already present. */
  addFiles(relPaths: string[], absPaths: string[]): Promise<{ ids: Uint32Array; statuses: Uint8Array }>;
  /** Adds or replaces one file, from `content` when given (an editor buffer), else from disk. */
  upsert(relPath: string, absPath: string, content?: Buffer): { id: number | null; status: FileStatus };
  remove(relPath: string): boolean;
  /** Ids (ascending) of live files that may match. Overflow files are always candidates. */
  candidates(plan: Plan): Uint32Array;
  /** Lines containing `needle` (case-sensitive, bytes), files visited in the order given. */
  findLiteral(ids: Uint32Array, needle: string, max: number): LiteralMatches;
  /**
   * Lines of `ids[first..]` (in that order) that meet `spec`; stops once `maxLines` lines were
   * found (resume with `{file: next, off: nextOff, line: nextLine}`).
   */
  candidateLines(ids: Uint32Array, first: number | { file: number; off: number; line: number }, spec: LineSpec, maxLines: number, textCap: number): CandidateLines;
  /** Per-file counts of `needle` (case-sensitive bytes); stops once `lineCap` lines were counted. */
  countLiteral(ids: Uint32Array, needle: string, lineCap: number): LiteralCounts;
  /** Current bytes of a live, non-binary file. */
  content(id: number): Buffer | undefined;
  /** Live ids with a line of at least `minLen` bytes (files read from disk included). */
  longLineFiles(minLen: number): Uint32Array;
  stats(): IndexStats;
  /** Drops tombstoned postings now (also happens automatically). */
  compact(): void;
  /** Frees the index now (the WebAssembly build; the addon's is garbage-collected). Later calls throw. */
  dispose?(): void;
}

export interface NativeAddon {
  TrigramIndex: new (opts?: IndexOptions) => NativeTrigramIndex;
  abiVersion: number;
}

export type LoadResult = { addon: NativeAddon; path: string } | { addon: undefined; reason: string };

let cached: LoadResult | undefined;

/**
 * Where the compiled addon may be: next to this file (tsx) or beside dist/ (the bundle). Never
 * under the working directory: the server runs in the workspace, and a repository must not
 * supply code it loads.
 */
function candidates(): string[] {
  const rel = 'build/Release/swarm_index.node';
  const list = [join(__dirname, rel), join(__dirname, '..', 'native', rel)];
  if (process.env.SWARMCODE_NATIVE_PATH) list.unshift(process.env.SWARMCODE_NATIVE_PATH);
  return list;
}

export function loadNative(): LoadResult {
  if (process.env.SWARMCODE_NO_NATIVE === '1') return { addon: undefined, reason: 'disabled by SWARMCODE_NO_NATIVE=1' };
  if (cached) return cached;
  const found = candidates().find((p) => existsSync(p));
  if (!found) {
    cached = { addon: undefined, reason: 'native addon not built (run `npm install` or `node native/build.mjs`)' };
    return cached;
  }
  // A binding cut short would not fail to load: it would kill the process (SIGBUS).
  const cut = truncatedLibrary(found);
  if (cut) return (cached = { addon: undefined, reason: `${found} ${cut}` });
  try {
    const req = createRequire(__filename);
    const addon = req(found) as NativeAddon;
    if (typeof addon.TrigramIndex !== 'function' || addon.abiVersion !== 2) {
      cached = { addon: undefined, reason: `unexpected exports from ${found}` };
    } else {
      cached = { addon, path: found };
    }
  } catch (err) {
    cached = { addon: undefined, reason: `failed to load ${found}: ${(err as Error).message}` };
  }
  return cached;
}
