// Turning the model's tool calls into results: parse, validate, run, cap (DESIGN.md §3, §5.6).
import { z } from 'zod';
import type { ImagePart, ToolSpec } from '../model/types';
import { ToolError, type Tool, type ToolContext } from './types';
import { capOutput, MAX_TOOL_OUTPUT_CHARS } from './output';

const specCache = new WeakMap<Tool, ToolSpec>();

/** JSON Schema specs for the model request (computed once per tool object: every turn sends them). */
export function toolSpecs(tools: Tool[]): ToolSpec[] {
  return tools
    .filter((t) => !t.hidden)
    .map((t) => {
      let spec = specCache.get(t);
      if (!spec) {
        const { $schema: _drop, ...parameters } = t.inputSchema ?? (z.toJSONSchema(t.parameters, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
        spec = { name: t.name, description: t.description, parameters };
        specCache.set(t, spec);
      }
      return spec;
    });
}

export interface ToolRunResult {
  ok: boolean;
  /** What goes back to the model, already capped. */
  output: string;
  /** The parsed arguments, or the raw string when it was not valid JSON. */
  args: unknown;
  /** Pictures the tool returned for the model. */
  images?: ImagePart[];
}

function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof Error && err.name === 'AbortError');
}

/**
 * Runs one tool call. Malformed JSON, schema violations, unknown tools and ToolErrors come back
 * as `ok: false` with a message for the model; an abort or any other exception propagates.
 */
export async function runTool(
  tools: Tool[],
  call: { name: string; arguments: string },
  ctx: ToolContext,
  signal: AbortSignal,
): Promise<ToolRunResult> {
  // Known secrets (the API key, values of scrubbed variables) never go back to the model.
  const redact = (text: string) => (ctx.sandbox ? ctx.sandbox.redact(text) : text);
  const fail = (output: string, args: unknown): ToolRunResult => ({ ok: false, output: capOutput(redact(output), MAX_TOOL_OUTPUT_CHARS), args });
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) {
    return fail(`Unknown tool ${JSON.stringify(call.name)}. Available tools: ${tools.filter((t) => !t.hidden).map((t) => t.name).join(', ')}.`, call.arguments);
  }
  let args: unknown;
  const raw = (call.arguments ?? '').trim();
  try {
    args = raw === '' ? {} : JSON.parse(raw);
  } catch (err) {
    return fail(
      `The arguments for ${tool.name} are not valid JSON (${(err as Error).message}). Send one JSON object matching the tool's schema.`,
      call.arguments,
    );
  }
  const parsed = tool.parameters.safeParse(args);
  if (!parsed.success) {
    return fail(`Invalid arguments for ${tool.name}:\n${z.prettifyError(parsed.error)}`, args);
  }
  if (signal.aborted) throw abortError();
  try {
    // run_command asks about its command itself; any other tool may have a policy of its own.
    if (ctx.approveTool && tool.name !== 'run_command' && !(await ctx.approveTool(tool.name, parsed.data, signal))) {
      if (signal.aborted) throw abortError();
      return fail(`The user declined this ${tool.name} call. Do not retry it; try another approach or ask the user.`, args);
    }
    const result = await tool.run(parsed.data, ctx, signal);
    if (signal.aborted) throw abortError();
    const { text, images } = typeof result === 'string' ? { text: result, images: undefined } : result;
    return { ok: true, output: capOutput(redact(text), MAX_TOOL_OUTPUT_CHARS), args, ...(images?.length ? { images } : {}) };
  } catch (err) {
    if (isAbort(err, signal)) throw err instanceof Error && err.name === 'AbortError' ? err : abortError();
    if (err instanceof ToolError) return fail(err.message, args);
    throw err;
  }
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}
