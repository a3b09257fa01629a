// The single-agent loop: think → call tools → observe, until the model answers without tools.
import type { RunStatus, SwarmEvent, TokenUsage } from '../protocol';
import type { ChatMessage, ChatModel, ContentPart, ToolCall } from '../model/types';
import type { Tool, ToolContext } from '../tools/types';
import { runTool, toolSpecs } from '../tools/runner';
import { compactToolOutputs } from './compaction';

export interface AgentOptions {
  agentId: string;
  model: ChatModel;
  tools: Tool[];
  /** Full conversation so far: system prompt first. The loop appends to it. */
  messages: ChatMessage[];
  thinking: boolean;
  maxSteps: number;
  /** Conversation budget in tokens; older tool outputs are elided past it (0 = never). */
  contextTokens?: number;
  toolContext: ToolContext;
  emit(event: SwarmEvent): void;
  /** Called before each step; a returned string stops the agent with that message (a budget ran out). */
  beforeStep?(): string | undefined;
  /** Called when a step (one model turn) starts; used by the swarm for accounting. */
  onStep?(step: number): void;
  /** Milliseconds spent running a tool that does not delegate to other agents. */
  onToolTime?(ms: number): void;
}

export interface AgentResult {
  status: RunStatus;
  text: string;
  error?: string;
  steps: number;
  toolCalls: number;
  tokens: TokenUsage;
}

export function emptyUsage(): TokenUsage {
  return { input: 0, cachedInput: 0, output: 0 };
}

export function addUsage(into: TokenUsage, add: TokenUsage): void {
  into.input += add.input;
  into.cachedInput += add.cachedInput;
  into.output += add.output;
}

interface Turn {
  text: string;
  reasoning: string;
  calls: ToolCall[];
}

/** Streams one model turn, forwarding deltas as events. A 'retry' discards the partial turn. */
async function streamTurn(opts: AgentOptions, tokens: TokenUsage, signal: AbortSignal): Promise<Turn> {
  const { agentId, emit } = opts;
  let turn: Turn = { text: '', reasoning: '', calls: [] };
  const request = { messages: opts.messages, tools: toolSpecs(opts.tools), thinking: opts.thinking };
  for await (const ev of opts.model.stream(request, signal)) {
    switch (ev.type) {
      case 'text':
        turn.text += ev.text;
        emit({ type: 'text_delta', agentId, text: ev.text });
        break;
      case 'reasoning':
        turn.reasoning += ev.text;
        emit({ type: 'reasoning_delta', agentId, text: ev.text });
        break;
      case 'tool_call':
        turn.calls.push(ev.call);
        break;
      case 'usage':
        addUsage(tokens, ev.usage);
        emit({ type: 'usage', agentId, tokens: ev.usage });
        break;
      case 'retry':
        turn = { text: '', reasoning: '', calls: [] };
        emit({ type: 'retry', agentId, attempt: ev.attempt, delayMs: ev.delayMs, reason: ev.reason });
        break;
      case 'done':
        break;
    }
  }
  return turn;
}

/**
 * Runs the tool calls of one turn. Read-only tools (and tools that declare `parallel`) run
 * concurrently; mutating tools run one after another in the order the model gave them.
 * Results come back in call order.
 */
async function runCalls(opts: AgentOptions, calls: ToolCall[], signal: AbortSignal): Promise<(string | ContentPart[])[]> {
  const { agentId, emit } = opts;
  let serial: Promise<unknown> = Promise.resolve();
  const jobs = calls.map((call) => {
    const tool = opts.tools.find((t) => t.name === call.name);
    const exec = async () => {
      const started = performance.now();
      const res = await runTool(opts.tools, call, opts.toolContext, signal);
      if (!tool?.delegates) opts.onToolTime?.(performance.now() - started);
      emit({ type: 'tool_output', agentId, callId: call.id, ok: res.ok, output: res.output });
      if (!res.images) return res.output;
      return [{ type: 'text', text: res.output } as ContentPart, ...res.images];
    };
    let args: unknown = call.arguments;
    try {
      args = JSON.parse(call.arguments);
    } catch {
      // shown raw; the runner reports the parse error to the model
    }
    emit({ type: 'tool_called', agentId, callId: call.id, name: call.name, args });
    if (!tool || !tool.mutating || tool.parallel) return exec();
    const job = serial.then(exec);
    serial = job.catch(() => undefined);
    return job;
  });
  // Wait for every call to settle (an abort unwinds the whole tree before the run reports back).
  const settled = await Promise.allSettled(jobs);
  const failure = settled.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<string | ContentPart[]>).value);
}

export async function runAgent(opts: AgentOptions, signal: AbortSignal): Promise<AgentResult> {
  const tokens = emptyUsage();
  let steps = 0;
  let toolCalls = 0;
  let lastText = '';
  while (steps < opts.maxSteps) {
    signal.throwIfAborted();
    const stop = opts.beforeStep?.();
    if (stop) return { status: 'failed', text: lastText, error: stop, steps, toolCalls, tokens };
    steps++;
    opts.onStep?.(steps);
    if (opts.contextTokens) compactToolOutputs(opts.messages, opts.contextTokens);
    const turn = await streamTurn(opts, tokens, signal);
    lastText = turn.text;
    opts.messages.push({
      role: 'assistant',
      content: turn.text,
      ...(turn.reasoning ? { reasoning: turn.reasoning } : {}),
      ...(turn.calls.length ? { toolCalls: turn.calls } : {}),
    });
    if (turn.calls.length === 0) {
      return { status: 'done', text: turn.text, steps, toolCalls, tokens };
    }
    toolCalls += turn.calls.length;
    const outputs = await runCalls(opts, turn.calls, signal);
    turn.calls.forEach((call, i) => {
      opts.messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: outputs[i] });
    });
  }
  const error = `Stopped after reaching the step budget (${opts.maxSteps} steps).`;
  return { status: 'failed', text: lastText, error, steps, toolCalls, tokens };
}
