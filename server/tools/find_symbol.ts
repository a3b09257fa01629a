// find_symbol: definitions and references of an identifier (tree-sitter tags, server/index).
import { z } from 'zod';
import { defineTool, ToolError } from './types';

const MAX_REFS = 50;

export const findSymbol = defineTool({
  name: 'find_symbol',
  description:
    'Find where an identifier is defined and referenced (tree-sitter, TypeScript/JavaScript/Python/Go/Rust/Java/C/C++). ' +
    'Exact name match. `kind` filters definitions: function, method, class, interface, type, module, enum, constant.',
  parameters: z.object({
    name: z.string().min(1).describe('Identifier, e.g. createSearch'),
    kind: z.string().optional().describe('Definition kind filter'),
  }),
  mutating: false,
  async run(args, ctx, signal) {
    const index = ctx.services?.index;
    if (!index) throw new ToolError('find_symbol is not available in this session (no symbol index)');
    await index.symbols.ready(signal);
    const { defs, refs } = index.symbols.find(args.name, args.kind);
    if (defs.length === 0 && refs.length === 0) return `0 definitions, 0 references of "${args.name}"${args.kind ? ` (kind ${args.kind})` : ''}.`;
    const out = [`Definitions (${defs.length}):`];
    for (const d of defs) out.push(`${d.path}:${d.line}:${d.column}  ${d.kind}  ${d.signature ?? d.name}`);
    out.push(`References (${refs.length}):`);
    for (const r of refs.slice(0, MAX_REFS)) out.push(`${r.path}:${r.line}:${r.column}  ${r.kind}`);
    if (refs.length > MAX_REFS) out.push(`… ${refs.length - MAX_REFS} more references; narrow with grep and a path/glob`);
    return out.join('\n');
  },
});
