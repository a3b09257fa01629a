// Definitions and references of one file from its language's tags query.
import type Parser from 'tree-sitter';
import { languageOf, loadLanguage, type LanguageId } from './languages';

export interface Tag {
  name: string;
  /** e.g. function, class, method, interface, type, module, call, implementation. */
  kind: string;
  role: 'def' | 'ref';
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  /** The first line of the tagged node, trimmed and cut (definitions only). */
  signature?: string;
}

interface Loaded {
  parser: Parser;
  query: Parser.Query;
}

const loaded = new Map<LanguageId, Loaded | null>();

/** The tree-sitter binding, loaded on the first file parsed (a native addon: not every process needs it). */
let treeSitter: typeof Parser | undefined;
function parserClass(): typeof Parser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (treeSitter ??= require('tree-sitter') as typeof Parser);
}

function get(id: LanguageId): Loaded | null {
  let l = loaded.get(id);
  if (l === undefined) {
    try {
      const spec = loadLanguage(id);
      const P = parserClass();
      const parser = new P();
      parser.setLanguage(spec.grammar as Parser.Language);
      l = { parser, query: new P.Query(spec.grammar as Parser.Language, spec.query) };
    } catch {
      l = null;
    }
    loaded.set(id, l);
  }
  return l;
}

/** Whether symbols can be extracted from this path (by extension, grammar installed). */
export function supports(path: string): boolean {
  const id = languageOf(path);
  return id !== undefined && get(id) !== null;
}

export function extractTags(path: string, text: string): Tag[] {
  const id = languageOf(path);
  const l = id && get(id);
  if (!l) return [];
  const tree = l.parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
  const out: Tag[] = [];
  const defAt = new Set<string>();
  const lines = text.split('\n');
  for (const m of l.query.matches(tree.rootNode)) {
    const name = m.captures.find((c) => c.name === 'name');
    const tagged = m.captures.find((c) => c.name.startsWith('definition.') || c.name.startsWith('reference.'));
    if (!name || !tagged) continue;
    const role = tagged.name.startsWith('definition.') ? 'def' : 'ref';
    const pos = name.node.startPosition;
    const key = `${pos.row}:${pos.column}`;
    if (role === 'ref' && defAt.has(key)) continue;
    if (role === 'def') defAt.add(key);
    const tag: Tag = { name: name.node.text, kind: tagged.name.slice(tagged.name.indexOf('.') + 1), role, line: pos.row + 1, column: pos.column + 1 };
    if (role === 'def') {
      const first = (lines[tagged.node.startPosition.row] ?? '').trim();
      tag.signature = first.length > 200 ? `${first.slice(0, 200)}…` : first;
    }
    out.push(tag);
  }
  // A reference captured before the definition at the same spot was seen: drop it.
  return out.filter((t) => t.role === 'def' || !defAt.has(`${t.line - 1}:${t.column - 1}`));
}
