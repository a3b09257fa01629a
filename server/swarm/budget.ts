// A run's spending: the tokens every agent used so far, their cost at the run's prices, and the
// run's budget (tokens and/or USD). Crossing the budget stops the run at once (the caller aborts
// the run's controller: every agent and its in-flight request), and the gate put around the run's
// model refuses any request after that, queued ones included — so no model request goes out once
// the budget is crossed.
import type { RunBudgetLimits, TokenUsage } from '../protocol';
import type { ChatModel, ModelEvent, ModelRequest } from '../model/types';
import { costUsd, type Pricing } from './accounting';

/** The run's budget was reached; the run is stopped with this as its abort reason. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
}

/** A budget given without prices to count dollars by, or not a number ≥ 0. */
export class BudgetConfigError extends Error {
  override name = 'BudgetConfigError';
}

/** The budget that applies: the run's own limits over the settings'; zero and absent mean none. */
export function effectiveBudget(run: RunBudgetLimits | undefined, settings: { budgetTokens?: number; budgetUsd?: number }, pricing: Pricing | undefined): RunBudgetLimits | undefined {
  const tokens = run?.tokens ?? settings.budgetTokens;
  const usd = run?.usd ?? settings.budgetUsd;
  for (const [name, v] of [['tokens', tokens], ['usd', usd]] as const) {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new BudgetConfigError(`The run's ${name} budget must be a number ≥ 0 (got ${JSON.stringify(v)}).`);
  }
  if (usd && !pricing) throw new BudgetConfigError('A dollar budget needs prices for this endpoint: set swarmcode.pricing (USD per 1M input, cached input and output tokens), or give a token budget instead.');
  const out: RunBudgetLimits = {};
  if (tokens) out.tokens = tokens;
  if (usd) out.usd = usd;
  return out.tokens || out.usd ? out : undefined;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export class RunSpend {
  readonly tokens: TokenUsage = { input: 0, cachedInput: 0, output: 0 };
  private exceededMessage?: string;

  constructor(
    readonly budget: RunBudgetLimits | undefined,
    private readonly pricing: Pricing | undefined,
    /** Called once, when a usage report crosses the budget. */
    private readonly onExceeded: (error: BudgetExceededError) => void,
  ) {}

  get costUsd(): number | undefined {
    return this.pricing ? Math.round(costUsd(this.tokens, this.pricing) * 1e6) / 1e6 : undefined;
  }

  /** Why no more model requests may go out; undefined while within the budget. */
  get exceeded(): string | undefined {
    return this.exceededMessage;
  }

  /** Adds one model response's usage; crossing the budget stops the run. */
  add(usage: TokenUsage): void {
    this.tokens.input += usage.input;
    this.tokens.cachedInput += usage.cachedInput;
    this.tokens.output += usage.output;
    if (this.exceededMessage || !this.budget) return;
    const used = this.tokens.input + this.tokens.output;
    const cost = this.costUsd;
    let why: string | undefined;
    if (this.budget.tokens && used >= this.budget.tokens) why = `${fmt(used)} tokens used of a ${fmt(this.budget.tokens)}-token budget`;
    else if (this.budget.usd && cost !== undefined && cost >= this.budget.usd) why = `$${cost.toFixed(4)} spent of a $${this.budget.usd.toFixed(2)} budget`;
    if (!why) return;
    this.exceededMessage = `Budget reached: ${why}. The run was stopped; no further model requests were made. Its changes so far are kept (review or reject them as usual).`;
    this.onExceeded(new BudgetExceededError(this.exceededMessage));
  }

  /** `model` refusing every request once the budget is crossed (checked before each attempt goes out, retries and queued requests included). */
  gate(model: ChatModel): ChatModel {
    const check = () => {
      if (this.exceededMessage) throw new BudgetExceededError(this.exceededMessage);
    };
    return {
      id: model.id,
      limits: model.limits,
      async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
        check();
        const outer = request.hooks;
        const hooks: ModelRequest['hooks'] = {
          beforeSend: async (attempt, s) => {
            await outer?.beforeSend?.(attempt, s);
            check();
          },
          onResponse: (status, headers) => outer?.onResponse?.(status, headers),
        };
        yield* model.stream({ ...request, hooks }, signal);
      },
    };
  }
}
