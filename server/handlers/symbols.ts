// swarm/symbols: definitions and references from the tree-sitter symbol index, with its engine.
import type { Handler } from '../context';
import { SymbolsRequest } from '../protocol';
import { codeIndexFor } from '../index/service';
import { checked, symbolsParams } from './params';
import { abortable } from './abortable';

export const symbolsHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(SymbolsRequest, async (raw, token) => {
      const params = checked(SymbolsRequest.method, symbolsParams, raw);
      return abortable(token, async (signal) => {
        const symbols = codeIndexFor(ctx).symbols;
        await symbols.ready(signal);
        const { defs, refs } = symbols.find(params.name, params.kind);
        return { defs, refs, symbolsEngine: await symbols.engine() };
      });
    });
  },
};
