// The single-agent loop: think → call tools → observe, until the model answers without tools.
import type { RunStatus, SwarmEvent, TokenUsage } from '../protocol';
import type { ChatMessage, ChatModel, ContentPart, ModelLimits, ToolCall, ToolSpec } from '../model/types';
import type { Tool, ToolContext } from '../tools/types';
import { runTool, toolSpecs } from '../tools/runner';
import { ContextSize } from './context-size';
import { compactConversation, type CompactionStrategy } from './compact-step';
import { argsPreview, uniqueCallIds } from './tool-calls';
import { callDependencies, callFacts } from './call-order';

export interface AgentOptions {
  agentId: string;
  model: ChatModel;
  tools: Tool[];
  /** Full conversation so far: system prompt first. The loop appends to it. */
  messages: ChatMessage[];
  thinking: boolean;
  maxSteps: number;
  /**
   * Conversation budget in tokens: past it the conversation is compacted down to half of it.
   * 0/absent: derived from the model's limits ((window − output cap) × 0.9); negative: never.
   */
  contextTokens?: number;
  /** `summary` (default); `elide-oldest` is the earlier strategy, kept as bench/compaction's baseline. */
  compaction?: CompactionStrategy;
  /** Asked before each step: true compacts now whatever the size (`swarm/compact`, `/compact`). */
  compactRequested?(): boolean;
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
  finishReason: string;
  /** Tool calls the output cap cut off (dropped by the provider, never run). */
  truncatedCalls: string[];
  /** The provider's count of the prompt this turn was sent. */
  promptTokens: number;
}

const FALLBACK_LIMITS: ModelLimits = { contextWindow: 131_072, maxOutputTokens: 32_768 };
/** Slack between the estimate and the provider's real count when sizing the output cap. */
const WINDOW_SLACK = 512;
/** Consecutive cut-off turns before the agent gives up. */
const MAX_CUTOFFS = 3;

/** Compaction budget: the setting, or (window − output cap) × 0.9; 0 = never compact. */
export function contextBudget(setting: number | undefined, limits: ModelLimits): number {
  if (setting !== undefined && setting < 0) return 0;
  if (setting) return Math.min(setting, limits.contextWindow - WINDOW_SLACK);
  return Math.max(1024, Math.floor((limits.contextWindow - limits.maxOutputTokens) * 0.9));
}

/** Streams one model turn, forwarding deltas as events. A 'retry' discards the partial turn. */
async function streamTurn(opts: AgentOptions, specs: ToolSpec[], sizing: { promptTokens: number; maxTokens: number }, tokens: TokenUsage, signal: AbortSignal): Promise<Turn> {
  const { agentId, emit } = opts;
  const fresh = (): Turn => ({ text: '', reasoning: '', calls: [], finishReason: '', truncatedCalls: [], promptTokens: 0 });
  let turn = fresh();
  const request = { messages: opts.messages, tools: specs, thinking: opts.thinking, ...sizing };
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
        turn.promptTokens = ev.usage.input;
        emit({ type: 'usage', agentId, tokens: ev.usage });
        break;
      case 'retry':
        turn = fresh();
        emit({ type: 'retry', agentId, attempt: ev.attempt, delayMs: ev.delayMs, reason: ev.reason });
        break;
      case 'done':
        turn.finishReason = ev.finishReason;
        turn.truncatedCalls = ev.truncatedCalls ?? [];
        break;
    }
  }
  return turn;
}

/**
 * Runs the tool calls of one turn. Mutating tools run one after another in the order the model
 * gave them; a call touching a path an earlier call writes (or reads, for a write) waits for it
 * (call-order.ts); other reads, and tools that declare `parallel`, start at once. Results come
 * back in call order.
 */
async function runCalls(opts: AgentOptions, calls: ToolCall[], signal: AbortSignal): Promise<(string | ContentPart[])[]> {
  const { agentId, emit } = opts;
  // Results in call order: a call waits for the earlier ones touching its paths when either writes.
  const deps = callDependencies(calls.map((c) => callFacts(opts.tools.find((t) => t.name === c.name), c.arguments)));
  const settledJobs: Promise<unknown>[] = [];
  const jobs = calls.map((call, i) => {
    const tool = opts.tools.find((t) => t.name === call.name);
    const exec = async () => {
      const started = performance.now();
      const res = await runTool(opts.tools, call, opts.toolContext, signal);
      if (!tool?.delegates) opts.onToolTime?.(performance.now() - started);
      emit({ type: 'tool_output', agentId, callId: call.id, ok: res.ok, output: res.output });
      if (!res.images) return res.output;
      return [{ type: 'text', text: res.output } as ContentPart, ...res.images];
    };
    // A bounded preview (malformed JSON is shown raw; the runner reports the error to the model).
    emit({ type: 'tool_called', agentId, callId: call.id, name: call.name, args: argsPreview(call.arguments) });
    const job = deps[i].length === 0 ? exec() : Promise.all(deps[i].map((j) => settledJobs[j])).then(exec);
    settledJobs.push(job.catch(() => undefined));
    return job;
  });
  // Wait for every call to settle (an abort unwinds the whole tree before the run reports back).
  const settled = await Promise.allSettled(jobs);
  const failure = settled.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<string | ContentPart[]>).value);
}

/** What the agent is told after a turn the output cap cut off. */
function cutOffNotice(turn: Turn, maxTokens: number): string {
  const what = turn.truncatedCalls.length
    ? `while you were writing a call to ${turn.truncatedCalls.join(', ')}; that call was incomplete and was NOT executed`
    : 'in the middle of your answer';
  return `[Your previous reply was cut off at the output limit (${maxTokens} tokens) ${what}. Continue from where you stopped, in smaller pieces: split large file contents over several edits, keep reasoning short.]`;
}

export async function runAgent(opts: AgentOptions, signal: AbortSignal): Promise<AgentResult> {
  const tokens = emptyUsage();
  const specs = toolSpecs(opts.tools);
  const limits = opts.model.limits ?? FALLBACK_LIMITS;
  const budget = contextBudget(opts.contextTokens, limits);
  const size = new ContextSize(specs);
  // System prompt, replayed history and the task: never compacted.
  const head = opts.messages.length;
  let steps = 0;
  let toolCalls = 0;
  let lastText = '';
  let cutText = '';
  let cutoffs = 0;
  // Call ids this conversation has used: the model's own ids may repeat.
  const callIds = new Set(opts.messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((c) => c.id) : [])));
  while (steps < opts.maxSteps) {
    signal.throwIfAborted();
    const stop = opts.beforeStep?.();
    if (stop) return { status: 'failed', text: lastText, error: stop, steps, toolCalls, tokens };
    steps++;
    opts.onStep?.(steps);
    let promptTokens = size.tokens(opts.messages);
    let compacted: { before: number; after: number; summarized: boolean } | undefined;
    const requested = opts.compactRequested?.() ?? false;
    if (budget > 0 && (promptTokens > budget || limits.contextWindow - promptTokens < 2 * WINDOW_SLACK || requested)) {
      const result = await compactConversation(
        // Over the budget: down to half of it at once. Asked for: everything but the newest step.
        { messages: opts.messages, head, target: requested && promptTokens <= budget ? 0 : Math.floor(budget / 2), strategy: opts.compaction ?? 'summary', model: opts.model, tools: specs, size, log: opts.toolContext.log },
        (usage) => {
          addUsage(tokens, usage);
          opts.emit({ type: 'usage', agentId: opts.agentId, tokens: usage });
        },
        signal,
      );
      if (result) {
        compacted = { before: promptTokens, after: result.tokens, summarized: result.summarized };
        promptTokens = result.tokens;
      }
    }
    const maxTokens = Math.max(256, Math.min(limits.maxOutputTokens, limits.contextWindow - promptTokens - WINDOW_SLACK));
    const sent = opts.messages.length;
    const turn = await streamTurn(opts, specs, { promptTokens, maxTokens }, tokens, signal);
    turn.calls = uniqueCallIds(turn.calls, callIds);
    if (turn.promptTokens > 0) size.measured(sent, turn.promptTokens);
    const cutOff = turn.finishReason === 'length';
    lastText = cutText + turn.text;
    opts.messages.push({
      role: 'assistant',
      content: turn.text,
      // Thinking mode: the reasoning goes back with the turn, an empty one included (the wire
      // layer sends it as reasoning_content on tool-call turns, where Kimi requires the key).
      ...(turn.reasoning || (opts.thinking && turn.calls.length) ? { reasoning: turn.reasoning } : {}),
      ...(turn.calls.length ? { toolCalls: turn.calls } : {}),
    });
    opts.emit({ type: 'context', agentId: opts.agentId, tokens: size.tokens(opts.messages), budget, window: limits.contextWindow, ...(compacted ? { compacted } : {}) });
    if (cutOff && turn.calls.length === 0) {
      // Cut off mid-answer or mid-tool-call: tell the agent, let it go on, give up if it keeps happening.
      cutoffs++;
      if (cutoffs >= MAX_CUTOFFS) {
        const error = `The model's replies were cut off at the output limit (${maxTokens} tokens) ${cutoffs} times in a row; raise maxOutputTokens (--max-tokens) or ask for smaller steps.`;
        return { status: 'failed', text: lastText, error, steps, toolCalls, tokens };
      }
      if (!turn.truncatedCalls.length) cutText = lastText;
      opts.messages.push({ role: 'user', content: cutOffNotice(turn, maxTokens) });
      continue;
    }
    cutoffs = 0;
    cutText = '';
    if (turn.calls.length === 0) {
      return { status: 'done', text: lastText, steps, toolCalls, tokens };
    }
    // Stopped while the turn streamed (its last chunk crossed the run's budget, a stop): its calls do not run.
    signal.throwIfAborted();
    toolCalls += turn.calls.length;
    const outputs = await runCalls(opts, turn.calls, signal);
    turn.calls.forEach((call, i) => {
      opts.messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: outputs[i] });
    });
  }
  const error = `Stopped after reaching the step budget (${opts.maxSteps} steps).`;
  return { status: 'failed', text: lastText, error, steps, toolCalls, tokens };
}
