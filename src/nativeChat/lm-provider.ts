// The configured endpoint's models for other extensions (vscode.lm.selectChatModels({vendor:
// 'swarmcode'})) and VS Code's model picker: a LanguageModelChatProvider whose requests go to the
// server (swarm/lmModels, swarm/lmComplete), so keys, dialect, retries and rate limits stay there.
// Text in, text out: tool calls and images in a request are sent as text notes, not as tools.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { LmCompleteRequest, LmDeltaNotification, LmModelsRequest, type LmMessage } from '../../server/protocol';
import type { Ctx } from '../context';
import type { LanguageModelChatInformation, LanguageModelChatProvider, LanguageModelChatRequestMessage, RegisterProvider } from './lm-types';

export const VENDOR = 'swarmcode';

/** A request message's text: text parts as they are, tool calls and results as short notes. */
export function messageText(m: LanguageModelChatRequestMessage | string): string {
  if (typeof m === 'string') return m;
  return m.content
    .map((part) => {
      if (part instanceof vscode.LanguageModelTextPart) return part.value;
      if (part instanceof vscode.LanguageModelToolCallPart) return `[tool call ${part.name} ${JSON.stringify(part.input)}]`;
      if (part instanceof vscode.LanguageModelToolResultPart) return `[tool result ${part.content.map((c) => (c instanceof vscode.LanguageModelTextPart ? c.value : '')).join('')}]`;
      const value = (part as { value?: unknown }).value;
      return typeof value === 'string' ? value : '';
    })
    .join('');
}

export function toLmMessages(messages: readonly LanguageModelChatRequestMessage[]): LmMessage[] {
  return messages.map((m) => ({ role: m.role === 2 ? 'assistant' : m.role === 3 ? 'system' : 'user', text: messageText(m) }));
}

export function register(ctx: Ctx): vscode.Disposable {
  const lm = vscode.lm as unknown as { registerLanguageModelChatProvider?: RegisterProvider };
  if (typeof lm.registerLanguageModelChatProvider !== 'function') {
    ctx.log('this VS Code has no vscode.lm.registerLanguageModelChatProvider (1.104+): SwarmCode\'s models are not offered to other extensions');
    return new vscode.Disposable(() => undefined);
  }
  const changed = new vscode.EventEmitter<void>();
  const streams = new Map<string, (text: string) => void>();
  const provider: LanguageModelChatProvider = {
    onDidChangeLanguageModelChatInformation: changed.event,
    async provideLanguageModelChatInformation(_options, token) {
      if (!(await ctx.chat.whenReady())) return [];
      const models = await ctx.client.sendRequest(LmModelsRequest, {}, token);
      return models.map((m): LanguageModelChatInformation => ({
        id: m.id,
        name: m.configured ? `${m.id} (SwarmCode)` : m.id,
        family: m.id,
        version: '1',
        detail: 'SwarmCode endpoint',
        tooltip: `${m.id} on SwarmCode's configured endpoint`,
        maxInputTokens: Math.max(1, m.contextWindow - m.maxOutputTokens),
        maxOutputTokens: m.maxOutputTokens,
        // In the Chat view's model picker: without Copilot, a participant (@swarmcode too) gets no request until a model is picked.
        isUserSelectable: true,
        capabilities: {},
      }));
    },
    async provideLanguageModelChatResponse(model, messages, options, progress, token) {
      if (!(await ctx.chat.whenReady())) throw new Error('The SwarmCode server is not running: see the "SwarmCode" output channel.');
      const requestId = randomUUID();
      streams.set(requestId, (text) => progress.report(new vscode.LanguageModelTextPart(text)));
      const maxTokens = options.modelOptions?.maxTokens ?? options.modelOptions?.max_tokens;
      try {
        await ctx.client.sendRequest(
          LmCompleteRequest,
          { requestId, model: model.id, messages: toLmMessages(messages), ...(typeof maxTokens === 'number' && maxTokens > 0 ? { maxTokens: Math.floor(maxTokens) } : {}) },
          token,
        );
      } finally {
        streams.delete(requestId);
      }
    },
    async provideTokenCount(_model, text) {
      // An estimate (≈4 characters a token); the endpoint's own count comes with each answer's usage.
      return Math.ceil(messageText(text).length / 4);
    },
  };
  return vscode.Disposable.from(
    changed,
    ctx.client.onNotification(LmDeltaNotification, (p) => streams.get(p.requestId)?.(p.text)),
    lm.registerLanguageModelChatProvider(VENDOR, provider),
    ctx.config.onDidChange(() => changed.fire()),
  );
}
