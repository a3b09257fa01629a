// Grammars that constrain tool calls (cached per model runtime), and incremental detokenising.
import type { Llama, LlamaGrammar, LlamaModel, Token, TokenBias } from 'node-llama-cpp';
import { loadNodeLlamaCpp } from './runtime';

// JSON-schema keywords node-llama-cpp's schema→GBNF converter understands.
const KEEP = new Set([
  'type', 'properties', 'required', 'items', 'prefixItems', 'enum', 'const', 'anyOf', 'oneOf', 'description',
  'additionalProperties', 'minItems', 'maxItems', 'minLength', 'maxLength', 'format', '$defs', '$ref', 'minProperties', 'maxProperties',
]);

/** Drops keywords the grammar converter does not know (`$schema`, `default`, `minimum`, …). */
export function sanitizeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(sanitizeSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (!KEEP.has(k)) continue;
    if (k === 'properties' || k === '$defs') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([n, s]) => [n, sanitizeSchema(s)]));
    } else if (k === 'description' || k === 'enum' || k === 'const' || k === 'required' || k === 'format' || k === '$ref') {
      out[k] = v;
    } else out[k] = sanitizeSchema(v);
  }
  if (Array.isArray(out.type)) {
    // ["string","null"] → anyOf, which the converter accepts.
    const { type, ...rest } = out;
    return { anyOf: (type as string[]).map((t) => ({ ...rest, type: t })) };
  }
  return out;
}

export class GrammarCache {
  private bySchema = new Map<string, Promise<LlamaGrammar>>();
  private byNames = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  private bans = new WeakMap<LlamaModel, Promise<{ ban: TokenBias; none: TokenBias }>>();

  /**
   * A bias that bans every special token of the vocabulary except end-of-generation (which a
   * grammar needs to say it is complete): control tokens, and tokens with no plain-text form;
   * `none` is the empty bias for free text.
   */
  specialTokenBan(model: LlamaModel): Promise<{ ban: TokenBias; none: TokenBias }> {
    let b = this.bans.get(model);
    if (!b) {
      b = (async () => {
        const { TokenBias } = await this.module();
        const ban = new TokenBias(model.tokenizer);
        const banned: Token[] = [];
        for (const t of model.iterateAllTokens()) if (model.isSpecialToken(t) && !model.isEogToken(t)) banned.push(t);
        if (banned.length) ban.set(banned, 'never');
        // node-llama-cpp reads a bias function's result unconditionally: free text gets an empty one.
        return { ban, none: new TokenBias(model.tokenizer) };
      })();
      this.bans.set(model, b);
    }
    return b;
  }

  module(): ReturnType<typeof loadNodeLlamaCpp> {
    return loadNodeLlamaCpp();
  }

  /** `functions.NAME:IDX` with NAME one of the tools and IDX fixed. */
  toolName(names: string[], index: number): Promise<LlamaGrammar> {
    const key = `${names.join('|')}:${index}`;
    let g = this.byNames.get(key);
    if (!g) {
      const alts = names.map((n) => JSON.stringify(n)).join(' | ');
      g = this.llama.createGrammar({ grammar: `root ::= "functions." ( ${alts} ) ":${index}"` });
      this.byNames.set(key, g);
      if (this.byNames.size > 256) this.byNames.delete(this.byNames.keys().next().value!);
    }
    return g;
  }

  /** The tool's JSON schema as a grammar; an unconvertible schema falls back to any JSON object. */
  forSchema(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let g = this.bySchema.get(key);
    if (!g) {
      g = (async () => {
        try {
          return await this.llama.createGrammarForJsonSchema(sanitizeSchema(schema) as never);
        } catch {
          return this.llama.createGrammarForJsonSchema({ type: 'object' } as never);
        }
      })();
      this.bySchema.set(key, g);
    }
    return g;
  }
}

/** Turns tokens into text as they arrive, holding back bytes of an unfinished UTF-8 character. */
export class Detokenizer {
  private pending: Token[] = [];
  constructor(private readonly model: LlamaModel) {}

  push(token: Token): string {
    this.pending.push(token);
    const text = this.model.detokenize(this.pending, true);
    if (text.endsWith('\uFFFD') && this.pending.length < 4) return '';
    this.pending = [];
    return text;
  }

  flush(): string {
    if (!this.pending.length) return '';
    const text = this.model.detokenize(this.pending, true);
    this.pending = [];
    return text;
  }
}
