// Definitions and references of one file from its language's tags query.
import type { Logger } from '../../log';
import type { SymbolInfo } from '../../protocol';
import { grammarFor, type MatchLike } from './engine';
import { languageOf } from './languages';

/** A definition or reference in one file: the wire's SymbolInfo less its path. */
export type Tag = Omit<SymbolInfo, 'path'>;

/** Whether symbols may be extracted from this path (by extension; the grammar may still not load). */
export function supports(path: string): boolean {
  return languageOf(path) !== undefined;
}

/** The tags of one file; undefined when its language has no grammar that loads. */
export async function extractTags(path: string, text: string, log: Logger): Promise<Tag[] | undefined> {
  const id = languageOf(path);
  const grammar = id && (await grammarFor(id, log));
  if (!grammar) return undefined;
  return grammar.withMatches(text, (matches) => collect(matches, text));
}

function collect(matches: MatchLike[], text: string): Tag[] {
  const out: Tag[] = [];
  const defAt = new Set<string>();
  const lines = text.split('\n');
  for (const m of matches) {
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
