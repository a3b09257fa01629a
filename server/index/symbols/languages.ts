// The tree-sitter grammars and tags queries per file extension. Queries are the grammars' own
// queries/tags.scm plus the patterns they lack (references for C/C++, TS type aliases/enums).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type LanguageId = 'typescript' | 'tsx' | 'javascript' | 'python' | 'go' | 'rust' | 'java' | 'c' | 'cpp';

const EXTENSIONS: Record<string, LanguageId> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'tsx',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  py: 'python', pyi: 'python', go: 'go', rs: 'rust', java: 'java',
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', hxx: 'cpp',
};

export function languageOf(path: string): LanguageId | undefined {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

const C_REFS = `
(call_expression function: (identifier) @name) @reference.call
(type_identifier) @name @reference.type
`;
const EXTRA: Partial<Record<LanguageId, string>> = {
  typescript: `
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(class_declaration name: (type_identifier) @name) @definition.class
`,
  c: C_REFS,
  cpp: `${C_REFS}
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(call_expression function: (qualified_identifier name: (identifier) @name)) @reference.call
(namespace_definition name: (namespace_identifier) @name) @definition.module
`,
};
EXTRA.tsx = EXTRA.typescript;

const req = createRequire(__filename);

/** A grammar's tags.scm without the directives node tree-sitter does not know (#strip!, #select-adjacent!). */
function tagsOf(pkg: string): string {
  const src = readFileSync(join(dirname(req.resolve(`${pkg}/package.json`)), 'queries', 'tags.scm'), 'utf8');
  return src
    .split('\n')
    .filter((l) => !/^\s*\(#(strip|select-adjacent|set-adjacent|set)!/.test(l))
    .join('\n');
}

export interface LanguageSpec {
  /** The grammar object tree-sitter's Parser.setLanguage takes. */
  grammar: unknown;
  query: string;
}

export const packageOf = (id: LanguageId) => (id === 'tsx' ? 'tree-sitter-typescript' : `tree-sitter-${id}`);

/**
 * Loads a grammar's native binding (unless `grammar: false`) and its query source (throws when
 * the grammar package is missing or its binding does not load).
 */
export function loadLanguage(id: LanguageId, opts: { grammar?: boolean } = {}): LanguageSpec {
  const extra = EXTRA[id] ?? '';
  const native = opts.grammar !== false;
  switch (id) {
    case 'typescript':
    case 'tsx': {
      const ts = native ? req('tree-sitter-typescript') : undefined;
      return { grammar: ts && (id === 'tsx' ? ts.tsx : ts.typescript), query: tagsOf('tree-sitter-javascript') + tagsOf('tree-sitter-typescript') + extra };
    }
    default: {
      const pkg = packageOf(id);
      return { grammar: native ? req(pkg) : undefined, query: tagsOf(pkg) + extra };
    }
  }
}

/** The grammar package's own WebAssembly build (tree-sitter-<lang>.wasm at its root). */
export function wasmPath(id: LanguageId): string {
  return join(dirname(req.resolve(`${packageOf(id)}/package.json`)), `tree-sitter-${id}.wasm`);
}
