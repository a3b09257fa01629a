// swarm/presets: the endpoint presets, for the extension's provider picker.
import type { Handler } from '../context';
import { PRESETS } from '../model/presets';
import { PresetsRequest } from '../protocol';

export const presetsHandler: Handler = {
  register(ctx) {
    ctx.connection.onRequest(PresetsRequest, () => PRESETS.map((p) => ({ ...p })));
  },
};
