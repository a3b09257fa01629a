// One assistant turn of a Kimi-vocabulary model on a leased context sequence. Text and reasoning
// are sampled freely; a tool call is steered token by token:
//   <|tool_call_begin|>  → the id is constrained by grammar to `functions.(tool names):IDX`
//                           (IDX = the conversation's next call index);
//   grammar complete     → `<|tool_call_argument_begin|>` is appended;
//   arguments            → constrained by the tool's JSON-schema grammar;
//   JSON complete        → `<|tool_call_end|>` is appended; the model then either opens another
//                           call or the section is closed and the turn ends.
// Free text goes through KimiStreamParser, which turns it into ModelEvents; the decoded calls are
// handed to it whole (recordCall), so marker text inside an argument string (`<|tool_call_end|>`
// typed out) is argument text, never a marker — read as markers, such strings made calls named
// `gre<|media_content|>`. While a name or arguments are decoded, every special token but
// end-of-generation is also banned (token bias), so none can stand in for a character there.
import type { Llama, LlamaContextSequence, LlamaGrammar, LlamaGrammarEvaluationState, LlamaModel, Token } from 'node-llama-cpp';
import type { ModelEvent, ToolSpec } from '../types';
import { KimiStreamParser } from '../kimi-parser';
import { K, parseKimiToolCallId } from '../kimi-template';
import { abortError } from '../retry';
import { reusePrefix } from './sequences';
import { Detokenizer, type GrammarCache } from './grammars';

export interface KimiTurnParams {
  llama: Llama;
  model: LlamaModel;
  seq: LlamaContextSequence;
  grammars: GrammarCache;
  prompt: Token[];
  tools: ToolSpec[];
  thinking: boolean;
  maxTokens: number;
  firstCallIndex: number;
  /** 'required': open a tool-call section as soon as the answer text would start. */
  toolChoice: 'auto' | 'required' | 'none';
  sampling: { temperature: number; topP: number; topK?: number; seed?: number };
  signal: AbortSignal;
}

type Mode = 'free' | 'name' | 'args' | 'after_call' | 'stop';

export async function* kimiTurn(p: KimiTurnParams): AsyncGenerator<ModelEvent> {
  const { model, seq } = p;
  const tok = (text: string): Token => {
    const t = model.tokenize(text, true);
    if (t.length !== 1) throw new Error(`${text} is not a single token in this vocabulary`);
    return t[0]!;
  };
  const T = { section: tok(K.sectionBegin), callBegin: tok(K.callBegin), argBegin: tok(K.argBegin), callEnd: tok(K.callEnd) };
  const tools = p.toolChoice === 'none' ? [] : p.tools;
  const parser = new KimiStreamParser({ startInReasoning: p.thinking });
  const detok = new Detokenizer(model);

  let mode = 'free' as Mode;
  let grammar: LlamaGrammarEvaluationState | undefined;
  let nameText = '';
  let argsText = '';
  let callIndex = p.firstCallIndex;
  let generated = 0;
  let finishReason = 'stop';
  const out: ModelEvent[] = [];
  const feed = (text: string) => out.push(...parser.push(text));

  const startName = async () => {
    mode = 'name';
    nameText = '';
    const g = await p.grammars.toolName(tools.map((t) => t.name), callIndex);
    grammar = new (await p.grammars.module()).LlamaGrammarEvaluationState({ model, grammar: g });
  };
  const startArgs = async () => {
    const name = parseKimiToolCallId(nameText)?.name ?? '';
    const spec = tools.find((t) => t.name === name);
    const g: LlamaGrammar = await p.grammars.forSchema(spec?.parameters ?? { type: 'object' });
    grammar = new (await p.grammars.module()).LlamaGrammarEvaluationState({ model, grammar: g });
    mode = 'args';
    argsText = '';
  };
  const callOf = () => {
    const id = nameText.trim();
    return { id, name: parseKimiToolCallId(id)?.name ?? id, arguments: argsText.trim() };
  };
  const endCall = () => {
    grammar = undefined;
    out.push(...parser.recordCall(callOf()));
    callIndex++;
    mode = 'after_call';
  };
  const biases = await p.grammars.specialTokenBan(model);

  const { rest, reused } = await reusePrefix(seq, p.prompt);
  let input: Token[] = rest;
  const forceSection = () => p.toolChoice === 'required' && tools.length > 0 && parser.toolCallCount === 0 && parser.state === 'text';
  if (forceSection()) {
    input = [...rest, T.section, T.callBegin];
    feed(K.sectionBegin);
    await startName();
  }

  const gen = seq.evaluate(input, {
    temperature: p.sampling.temperature,
    topP: p.sampling.topP,
    topK: p.sampling.topK ?? 40,
    seed: p.sampling.seed,
    grammarEvaluationState: () => grammar,
    tokenBias: () => (mode === 'name' || mode === 'args' ? biases.ban : biases.none),
    yieldEogToken: true,
  });
  let replacement: Token[] | undefined;
  try {
    for (;;) {
      const r = await gen.next(replacement);
      replacement = undefined;
      if (r.done) break;
      const t = r.value;
      generated++;
      if (p.signal.aborted) break;
      const eog = model.isEogToken(t);

      if (mode === 'after_call') {
        if (t === T.callBegin) {
          await startName();
        } else {
          feed(K.sectionEnd);
          finishReason = 'tool_calls';
          mode = 'stop';
        }
      } else if (eog && (mode === 'name' || mode === 'args')) {
        // The grammar is complete; only end-of-generation tokens were allowed.
        if (mode === 'name') {
          replacement = [T.argBegin];
          await startArgs();
        } else {
          replacement = [T.callEnd];
          endCall();
        }
      } else if (eog) {
        feed(detok.flush());
        mode = 'stop';
      } else {
        const text = detok.push(t);
        if (mode === 'name') nameText += text;
        else if (mode === 'args') argsText += text;
        else feed(text);
        if (mode === 'free') {
          if (parser.state === 'section') {
            if (!tools.length) mode = 'stop';
            else {
              replacement = [t, T.callBegin];
              await startName();
            }
          } else if (parser.state === 'call_id') {
            if (!tools.length) mode = 'stop';
            else await startName();
          } else if (forceSection()) {
            // Reasoning just closed and a call is required: open the section now.
            replacement = [t, T.section, T.callBegin];
            feed(K.sectionBegin);
            await startName();
          }
        } else if (mode === 'args' && isCompleteJson(argsText)) {
          replacement = [t, T.callEnd];
          endCall();
        }
        if (parser.isEnded()) mode = 'stop';
      }
      for (const e of out.splice(0)) yield e;
      if (mode === 'stop') break;
      if (generated >= p.maxTokens) {
        finishReason = 'length';
        break;
      }
    }
  } finally {
    await gen.return(undefined);
  }
  if (p.signal.aborted) throw abortError(p.signal);
  if (mode !== 'stop' && !p.signal.aborted && finishReason !== 'length') finishReason = 'stop';
  if (parser.toolCallCount > 0 && finishReason === 'stop') finishReason = 'tool_calls';
  const tail = detok.flush();
  if (mode === 'args') argsText += tail;
  else if (mode !== 'name') feed(tail);
  // A call cut off by the token limit: its arguments (maybe malformed) are reported, a half name is not.
  if (mode === 'args') out.push(...parser.recordCall(callOf()));
  else if (mode === 'name') out.push(...parser.recordCall(null));
  out.push(...parser.end());
  for (const e of out.splice(0)) yield e;
  yield { type: 'usage', usage: { input: p.prompt.length, cachedInput: reused, output: generated } };
  yield { type: 'done', finishReason };
}

function isCompleteJson(text: string): boolean {
  const s = text.trim();
  if (!s.endsWith('}') && !s.endsWith(']')) return false;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
