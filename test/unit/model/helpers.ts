// Shared helpers for the model-layer tests.
import { createLogger, type Logger } from '../../../server/log';
import { OpenAICompatibleModel, type OpenAICompatibleOptions } from '../../../server/model/openai';
import type { ModelEvent, ModelRequest } from '../../../server/model/types';

export function quietLog(lines: string[] = []): Logger {
  return createLogger(() => 'debug', (level, line) => lines.push(`${level}: ${line}`));
}

export function model(url: string, extra: Partial<OpenAICompatibleOptions> = {}): OpenAICompatibleModel {
  return new OpenAICompatibleModel({
    baseUrl: url,
    apiKey: 'sk-test-key-123456',
    model: 'kimi-k2.5',
    maxRetries: 3,
    log: quietLog(),
    backoff: { baseMs: 20, maxMs: 5000 },
    ...extra,
  });
}

export function req(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return { messages: [{ role: 'user', content: text }], tools: [], thinking: true, ...extra };
}

export async function collect(stream: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const out: ModelEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

export function joined(events: ModelEvent[], type: 'text' | 'reasoning'): string {
  return events.map((e) => (e.type === type ? e.text : '')).join('');
}

/** Text of the turn that finally succeeded (what a consumer keeps after discarding on 'retry'). */
export function finalText(events: ModelEvent[]): string {
  const last = events.map((e) => e.type).lastIndexOf('retry');
  return joined(events.slice(last + 1), 'text');
}

export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}
