// swarm/lmModels and swarm/lmComplete: the configured endpoint's models as plain chat models for
// other clients (the extension's vscode.lm provider). One text completion per request, no tools;
// the answer streams as swarm/lmDelta; $/cancelRequest aborts the HTTP request.
import { z } from 'zod';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { Handler } from '../context';
import { createModelForRun, knownContextWindow } from '../model';
import { FALLBACK_CONTEXT_WINDOW } from '../model/dialect';
import { listModels } from '../model/models-meta';
import { LOCAL_BASE_URL } from '../model/presets';
import { LmCompleteRequest, LmDeltaNotification, LmModelsRequest, type LmCompleteParams, type LmCompleteResult, type LmModelInfo, type TokenUsage } from '../protocol';
import { tokenSignal } from './abortable';
import { checked } from './params';

const MAX_MESSAGES = 10_000;
const params: z.ZodType<LmCompleteParams> = z.object({
  requestId: z.string().min(1).max(256),
  model: z.string().min(1).max(256).optional(),
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), text: z.string() })).min(1).max(MAX_MESSAGES),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  thinking: z.boolean().optional(),
});

/** Output cap when the model says nothing: a quarter of the window, at most 32,768 (as the runs). */
const capFor = (window: number) => Math.min(32_768, Math.floor(window / 4));

export const lmHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(LmModelsRequest, async (_p, token): Promise<LmModelInfo[]> => {
      const s = ctx.settings();
      const window = knownContextWindow(s) ?? FALLBACK_CONTEXT_WINDOW;
      const configured: LmModelInfo = { id: s.model, contextWindow: window, maxOutputTokens: s.maxOutputTokens || capFor(window), configured: true };
      if (s.baseUrl.trim().toLowerCase() === LOCAL_BASE_URL) return [configured];
      const listed = await listModels(s.baseUrl, s.apiKey, tokenSignal(token).signal);
      const own = listed.find((m) => m.id === s.model);
      if (own?.window && !knownContextWindow(s)) {
        configured.contextWindow = own.window;
        configured.maxOutputTokens = s.maxOutputTokens || capFor(own.window);
      }
      const others = listed.filter((m) => m.id !== s.model).map((m): LmModelInfo => {
        const w = m.window ?? FALLBACK_CONTEXT_WINDOW;
        return { id: m.id, contextWindow: w, maxOutputTokens: capFor(w), configured: false };
      });
      return [configured, ...others];
    });

    ctx.connection.onRequest(LmCompleteRequest, async (raw, token): Promise<LmCompleteResult> => {
      const p = checked(LmCompleteRequest.method, params, raw);
      const { signal } = tokenSignal(token);
      const settings = { ...ctx.settings(), ...(p.model ? { model: p.model } : {}) };
      const model = await createModelForRun(settings, ctx.log, signal);
      let text = '';
      let finishReason = 'stop';
      let usage: TokenUsage | undefined;
      try {
        const stream = model.stream({ messages: p.messages.map((m) => ({ role: m.role, content: m.text })), tools: [], thinking: p.thinking ?? false, ...(p.maxTokens ? { maxTokens: p.maxTokens } : {}) }, signal);
        for await (const ev of stream) {
          if (ev.type === 'text') {
            text += ev.text;
            void ctx.connection.sendNotification(LmDeltaNotification, { requestId: p.requestId, text: ev.text });
          } else if (ev.type === 'retry' && text) {
            // The provider would restart the turn from scratch, but part of it is already delivered.
            throw new ResponseError(ErrorCodes.InternalError, `the model's stream was interrupted after partial output (${ev.reason}); ask again`);
          } else if (ev.type === 'usage') usage = ev.usage;
          else if (ev.type === 'done') finishReason = ev.finishReason;
        }
      } catch (err) {
        if (signal.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
        throw err;
      }
      return { text, finishReason, ...(usage ? { usage } : {}) };
    });
  },
};
