// Kimi K2.5's tool declarations. K2.5 was trained on tools declared TypeScript-style:
//
//   # Tools
//
//   ## functions
//   namespace functions {
//   // Read a file
//   type read_file = (_: {
//     path: string,
//     offset?: number
//   }) => any;
//   }
//
// Moonshot's tokenizer (moonshotai/Kimi-K2.5 tokenization_kimi.py + tool_declaration_ts.py) sorts
// every key of the tool list, renders it this way and hands the text to chat_template.jinja as
// `tools_ts_str`; a schema its encoder cannot render raises, and the template then falls back to
// the JSON list. This is an independent implementation of that contract: required fields first,
// then optional ones, each group by name; descriptions and constraints as `//` comments;
// `$defs` as interfaces. `null` means "not renderable": the caller declares the JSON list instead.
import type { ToolSpec } from './types';

const INDENT = '  ';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

class Unrenderable extends Error {
  override name = 'Unrenderable';
}

/** Keys sorted at every depth (the tokenizer's deep_sort_dict). */
export function deepSortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepSortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort(byCodePoint)
        .map((k) => [k, deepSortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How Python's str() prints a JSON scalar (True, None, 1.5). */
function pyStr(v: Json): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return pyJson(v);
}

/** json.dumps(v, ensure_ascii=False): ", " and ": " separators. */
function pyJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`).join(', ')}}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  return JSON.stringify(v);
}

function comment(text: string, indent = ''): string {
  return text
    .split('\n')
    .map((line) => (line ? `${indent}// ${line}` : ''))
    .join('\n');
}

interface TsType {
  description: string;
  constraints: [string, Json][];
  render(indent: string): string;
}

function docstring(t: TsType, indent: string): string {
  const lines: string[] = [];
  if (t.description) lines.push(comment(t.description, indent));
  if (t.constraints.length) {
    const sorted = [...t.constraints].sort((a, b) => byCodePoint(a[0], b[0]));
    lines.push(`${indent}// ${sorted.map(([k, v]) => `${k}: ${pyStr(v)}`).join(', ')}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

class Registry {
  defs = new Map<string, Json>();
  selfRef = false;
  resolve(ref: string): string {
    if (ref === '#') {
      this.selfRef = true;
      return 'parameters';
    }
    if (ref.startsWith('#/$defs/')) {
      const name = ref.split('/').pop()!;
      if (!this.defs.has(name)) throw new Unrenderable(`reference not found: ${ref}`);
      return name;
    }
    throw new Unrenderable(`unsupported reference: ${ref}`);
  }
}

function base(schema: Obj, keys: readonly string[] = []): Pick<TsType, 'description' | 'constraints'> {
  const d = schema.description;
  return {
    description: typeof d === 'string' ? d : '',
    constraints: Object.entries(schema).filter(([k]) => keys.includes(k)),
  };
}

const scalar = (type: string, schema: Obj = {}): TsType => ({
  ...base(schema, type === 'string' ? ['maxLength', 'minLength', 'pattern'] : type === 'number' || type === 'integer' ? ['maximum', 'minimum'] : []),
  render: () => (type === 'integer' ? 'number' : type),
});

interface Field {
  name: string;
  type: TsType;
  optional: boolean;
  default: Json | undefined;
}

function renderField(f: Field, indent: string): string {
  let doc = docstring(f.type, indent);
  if (f.default !== undefined && f.default !== null) {
    doc += `${indent}// Default: ${typeof f.default === 'object' || typeof f.default === 'string' ? pyJson(f.default) : pyStr(f.default)}\n`;
  }
  return `${doc}${indent}${f.name}${f.optional ? '?' : ''}: ${f.type.render(indent)}`;
}

function objectType(schema: Obj, reg: Registry): TsType & { fields: Field[] } {
  const fields: Field[] = [];
  let extra: TsType | boolean | undefined;
  const t = {
    ...base(schema),
    fields,
    render(indent: string): string {
      const byName = (a: Field, b: Field) => byCodePoint(a.name, b.name);
      const ordered = [...fields.filter((f) => !f.optional).sort(byName), ...fields.filter((f) => f.optional).sort(byName)];
      const parts = ordered.map((f) => renderField(f, indent + INDENT));
      if (extra !== undefined) parts.push(`${indent + INDENT}[k: string]: ${extra === true ? 'any' : extra === false ? 'never' : extra.render(indent + INDENT)}`);
      return parts.length ? `{\n${parts.join(',\n')}\n${indent}}` : '{}';
    },
  };
  if (Object.keys(schema).length === 0) return t;
  if (isObj(schema.$defs)) for (const [k, v] of Object.entries(schema.$defs)) reg.defs.set(k, v);
  const ap = schema.additionalProperties;
  if (typeof ap === 'boolean') extra = ap;
  else if (isObj(ap)) extra = parse(ap, reg);
  else if (ap !== undefined && ap !== null) throw new Unrenderable('additionalProperties');
  if (!isObj(schema.properties)) return t;
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const [name, prop] of Object.entries(schema.properties)) {
    fields.push({ name, type: parse(prop, reg), optional: !required.includes(name), default: isObj(prop) ? prop.default : undefined });
  }
  return t;
}

function isObj(v: unknown): v is Obj {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

const UNION: Record<string, string> = { string: 'string', number: 'number', integer: 'number', boolean: 'boolean', null: 'null', object: '{}', array: 'Array<any>' };

function checkEnum(schema: Obj, values: Json[]): void {
  let type = schema.type;
  if (type === undefined) return;
  if (Array.isArray(type)) {
    if (type.length === 1) type = type[0]!;
    else if (type.length === 2 && type.includes('null')) type = type[0] === 'null' ? type[1]! : type[0]!;
    else throw new Unrenderable('enum type');
  }
  const ok: Record<string, (v: Json) => boolean> = {
    string: (v) => typeof v === 'string',
    number: (v) => typeof v === 'number',
    integer: (v) => Number.isInteger(v),
    boolean: (v) => typeof v === 'boolean',
  };
  for (const v of values) if (v !== null && typeof type === 'string' && ok[type] && !ok[type](v)) throw new Unrenderable('enum value');
}

function parse(schema: Json, reg: Registry): TsType {
  if (typeof schema === 'boolean') return scalar(schema ? 'any' : 'null');
  if (!isObj(schema)) throw new Unrenderable('schema is not an object');
  if ('$ref' in schema) {
    if (typeof schema.$ref !== 'string') throw new Unrenderable('$ref');
    const name = reg.resolve(schema.$ref);
    return { ...base(schema), render: () => name };
  }
  if ('anyOf' in schema) {
    if (!Array.isArray(schema.anyOf)) throw new Unrenderable('anyOf');
    const types = schema.anyOf.map((s) => parse(s, reg));
    return { ...base(schema), render: (indent) => types.map((t) => t.render(indent)).join(' | ') };
  }
  if ('enum' in schema) {
    if (!Array.isArray(schema.enum)) throw new Unrenderable('enum');
    const values = schema.enum;
    checkEnum(schema, values);
    return { ...base(schema), render: () => values.map((v) => (typeof v === 'string' ? `"${v}"` : pyStr(v))).join(' | ') };
  }
  const type = schema.type;
  if (Array.isArray(type)) {
    const names = type.map((t) => {
      const m = typeof t === 'string' ? UNION[t] : undefined;
      if (!m) throw new Unrenderable(`type ${String(t)}`);
      return m;
    });
    return { ...base(schema), render: () => names.join(' | ') };
  }
  if (type === 'object') return objectType(schema, reg);
  if (type === 'array') {
    const items = schema.items;
    const item = items && (!isObj(items) || Object.keys(items).length) ? parse(items, reg) : scalar('any');
    return {
      ...base(schema, ['minItems', 'maxItems']),
      render(indent) {
        const doc = docstring(item, indent + INDENT);
        return doc ? `Array<\n${doc}${indent}${INDENT}${item.render(indent + INDENT)}\n${indent}>` : `Array<${item.render(indent)}>`;
      },
    };
  }
  if (typeof type === 'string') return scalar(type, schema);
  if (type === undefined && Object.keys(schema).length === 0) return scalar('any');
  throw new Unrenderable('schema without type, enum, anyOf or $ref');
}

function renderFunction(tool: Obj): string {
  const reg = new Registry();
  const params = objectType(isObj(tool.parameters) ? tool.parameters : {}, reg);
  const interfaces: string[] = [];
  if (reg.selfRef) {
    const body = params.fields.map((f) => renderField(f, INDENT)).join(',\n');
    interfaces.push(`interface parameters {${body ? `\n${body}\n` : ''}}`);
  }
  for (const [name, def] of [...reg.defs]) {
    const desc = isObj(def) && typeof def.description === 'string' && def.description ? `${comment(def.description)}\n` : '';
    interfaces.push(`${desc}interface ${name} ${parse(def, reg).render('')}`);
  }
  const name = typeof tool.name === 'string' ? tool.name : 'function';
  const description = typeof tool.description === 'string' && tool.description ? comment(tool.description) : '';
  const typeDef = `type ${name} = (_: ${reg.selfRef ? 'parameters' : params.render('')}) => any;`;
  return [interfaces.join('\n'), description, typeDef].filter(Boolean).join('\n');
}

/** The TypeScript-style declaration of `tools`, or null when a schema cannot be rendered that way. */
export function encodeToolsTypeScript(tools: ToolSpec[]): string | null {
  if (!tools.length) return null;
  try {
    const fns = tools.map((t) => renderFunction(deepSortKeys({ name: t.name, description: t.description, parameters: t.parameters }) as Obj));
    return `# Tools\n\n## functions\nnamespace functions {\n${fns.join('\n')}\n}\n`;
  } catch (err) {
    if (err instanceof Unrenderable) return null;
    throw err;
  }
}

/** The JSON fallback: the OpenAI tool list with sorted keys, compact. */
export function encodeToolsJson(tools: ToolSpec[]): string {
  return JSON.stringify(deepSortKeys(tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }))));
}
