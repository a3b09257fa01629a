// Completions for `@`-mentions: workspace files and folders (the files ripgrep would search, so
// .gitignore'd ones are left out) and symbol definitions, fuzzy-matched, best first.
import type { MentionItem } from '../protocol';
import { listFiles } from './ripgrep';
import { FuzzyIndex, fuzzyFilter } from './fuzzy';
import type { SymbolIndex } from './symbols';

const SYMBOL_WAIT_MS = 300;
const MAX_SYMBOL_CANDIDATES = 200_000;

/** The workspace's file list, listed once and again after any file change (cheap: rg --files). */
export class FileList {
  private files: Promise<string[]> | undefined;

  /** `tops`: multi-root, the folders of links under `root` that ripgrep walks (none: `root` itself). */
  constructor(
    private readonly root: string,
    private readonly tops: readonly string[] = [],
  ) {}

  get(signal: AbortSignal): Promise<string[]> {
    this.files ??= listFiles(this.root, signal, [...this.tops]).then(
      (f) => f.sort(),
      (err: unknown) => {
        this.files = undefined;
        throw err;
      },
    );
    return this.files;
  }

  invalidate(): void {
    this.files = undefined;
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Folders that hold at least one listed file, every level. */
function foldersOf(files: string[]): string[] {
  const out = new Set<string>();
  for (const f of files) for (let d = parentOf(f); d && !out.has(d); d = parentOf(d)) out.add(d);
  return [...out].sort();
}

const indexOf = new WeakMap<string[], FuzzyIndex<MentionItem>>();

/** Folders then files as completion items, indexed once per file list. */
function pathIndex(files: string[]): FuzzyIndex<MentionItem> {
  let index = indexOf.get(files);
  if (!index) {
    const items = [
      ...foldersOf(files).map((p): MentionItem => ({ kind: 'folder', path: p, label: baseOf(p), detail: parentOf(p) })),
      ...files.map((p): MentionItem => ({ kind: 'file', path: p, label: baseOf(p), detail: parentOf(p) })),
    ];
    index = new FuzzyIndex(items, (i) => i.path);
    indexOf.set(files, index);
  }
  return index;
}

export async function completeMentions(
  opts: { files: FileList; symbols?: SymbolIndex; query: string; limit: number },
  signal: AbortSignal,
): Promise<MentionItem[]> {
  const { query, limit } = opts;
  const paths = pathIndex(await opts.files.get(signal));
  if (!query) {
    // Nothing typed yet: the top of the workspace, folders first.
    return paths.items.filter((p) => !p.path.includes('/')).slice(0, limit);
  }
  const pathHits = paths.filter(query, limit);
  let symbolHits: MentionItem[] = [];
  if (opts.symbols && !query.includes('/')) {
    const ready = opts.symbols.ready(signal).catch(() => undefined);
    await Promise.race([ready, new Promise((r) => setTimeout(r, SYMBOL_WAIT_MS).unref())]);
    const defs: MentionItem[] = [];
    for (const [path, tags] of opts.symbols.files) {
      for (const t of tags) if (t.role === 'def' && defs.length < MAX_SYMBOL_CANDIDATES) defs.push({ kind: 'symbol', path, label: t.name, line: t.line, detail: t.kind });
    }
    symbolHits = fuzzyFilter(query, defs, (s) => s.label, limit);
  }
  // Interleave by kind so neither crowds the other out: paths first, then symbols.
  const half = Math.ceil(limit / 2);
  const a = pathHits.slice(0, symbolHits.length ? half : limit);
  const b = symbolHits.slice(0, limit - a.length);
  return [...a, ...b, ...pathHits.slice(a.length)].slice(0, limit);
}
