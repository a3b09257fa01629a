// A model behind the scheduler: each request holds a slot while it streams, is booked in the rate
// windows with its whole output cap, stamped when each attempt goes out, and corrected to its
// actual usage; the provider's 429s and rate-limit headers feed the same scheduler.
import type { ChatModel, ModelEvent, ModelRequest, RequestHooks } from '../model/types';
import { parseRateLimitHeaders } from '../model/rate-limit-headers';
import type { Scheduler } from './scheduler';

/** The caller's prompt estimate, else a rough one: 4 characters a token. */
export function estimateInputTokens(request: ModelRequest): number {
  if (request.promptTokens !== undefined && request.promptTokens >= 0) return request.promptTokens;
  let chars = JSON.stringify(request.tools).length;
  for (const m of request.messages) chars += typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content).length;
  return Math.ceil(chars / 4);
}

/** What the provider counts when the request arrives: the prompt plus the whole output cap. */
export function estimateTokens(request: ModelRequest, outputTokens: number): number {
  return estimateInputTokens(request) + (request.maxTokens ?? outputTokens);
}

function chain(outer: RequestHooks | undefined, inner: RequestHooks): RequestHooks {
  if (!outer) return inner;
  return {
    beforeSend: async (attempt, signal) => {
      await outer.beforeSend?.(attempt, signal);
      await inner.beforeSend?.(attempt, signal);
    },
    onResponse: (status, headers) => {
      outer.onResponse?.(status, headers);
      inner.onResponse?.(status, headers);
    },
  };
}

function outputChars(event: ModelEvent): number {
  if (event.type === 'text' || event.type === 'reasoning') return event.text.length;
  if (event.type === 'tool_call') return event.call.name.length + event.call.arguments.length;
  return 0;
}

/**
 * Wraps a model so each request holds a scheduler slot while it streams. `onActive` gets the
 * milliseconds the request actually ran (queueing excluded): an agent's busy time. `priority`
 * orders waiting requests (lower first); a function is asked afresh for every request.
 */
export function scheduled(model: ChatModel, scheduler: Scheduler, onActive?: (ms: number) => void, priority: number | (() => number) = 0): ChatModel {
  return {
    id: model.id,
    limits: model.limits,
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
      const input = estimateInputTokens(request);
      // The cap that goes on the wire: the request's, else the model's default, else the scheduler's.
      const booked = input + (request.maxTokens ?? model.limits?.maxOutputTokens ?? scheduler.outputTokens);
      const lease = await scheduler.acquire(booked, signal, typeof priority === 'function' ? priority() : priority);
      const started = performance.now();
      // A 429 without Retry-After pauses everyone for as long as the provider's own backoff.
      let rateLimited = false;
      let chars = 0;
      let settled = false;
      const hooks: RequestHooks = {
        beforeSend: (attempt, s) => {
          if (attempt === 0) {
            lease.sent();
            return Promise.resolve();
          }
          return lease.resend(booked, s);
        },
        onResponse: (status, headers) => {
          const info = parseRateLimitHeaders(headers, scheduler.now());
          scheduler.observe(info);
          if (status !== 429) return;
          if (info.retryAfterMs !== undefined) scheduler.pause(info.retryAfterMs);
          else rateLimited = true;
        },
      };
      try {
        for await (const event of model.stream({ ...request, hooks: chain(request.hooks, hooks) }, signal)) {
          if (event.type === 'usage') {
            lease.settle(event.usage.input + event.usage.output);
            settled = true;
          } else if (event.type === 'retry') {
            if (rateLimited) scheduler.pause(event.delayMs);
            rateLimited = false;
            chars = 0;
          } else {
            chars += outputChars(event);
          }
          yield event;
        }
        // A server that reports no usage: book what was seen rather than the whole cap.
        if (!settled) lease.settle(input + Math.ceil(chars / 4));
      } finally {
        lease.release();
        onActive?.(performance.now() - started);
      }
    },
  };
}
