// The context window a self-hosted or proxied endpoint reports in its `GET /models` listing.
// Field names by server: vLLM `max_model_len`; OpenRouter and Moonshot `context_length`;
// llama-server `meta.n_ctx_train` (its per-slot `n_ctx` is not in the listing); LM Studio's
// native API `max_context_length`; some gateways `context_window`.

export interface ModelEntry {
  id?: string;
  max_model_len?: number;
  context_length?: number;
  context_window?: number;
  max_context_length?: number;
  meta?: { n_ctx_train?: number; n_ctx?: number } | null;
}

/** The window one listing entry declares, if any. */
export function windowOf(entry: ModelEntry): number | undefined {
  const candidates = [entry.max_model_len, entry.context_length, entry.context_window, entry.max_context_length, entry.meta?.n_ctx ?? entry.meta?.n_ctx_train];
  const n = candidates.find((v) => typeof v === 'number' && Number.isFinite(v) && v > 0);
  return n === undefined ? undefined : Math.floor(n);
}

const cache = new Map<string, Promise<number | undefined>>();

/**
 * Asks `baseUrl/models` for `model`'s window (once per endpoint and model; 3 s at most). Undefined
 * when the endpoint does not say: the caller falls back to a default.
 */
export function fetchContextWindow(baseUrl: string, model: string, apiKey: string | undefined, signal?: AbortSignal): Promise<number | undefined> {
  const key = `${baseUrl}\n${model}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = query(baseUrl, model, apiKey, signal);
    cache.set(key, hit);
    hit.then((w) => w === undefined && cache.delete(key)).catch(() => cache.delete(key));
  }
  return hit;
}

async function query(baseUrl: string, model: string, apiKey: string | undefined, signal?: AbortSignal): Promise<number | undefined> {
  const timeout = AbortSignal.timeout(3000);
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: ModelEntry[] };
    const entries = Array.isArray(body.data) ? body.data : [];
    const entry = entries.find((e) => e.id === model) ?? (entries.length === 1 ? entries[0] : undefined);
    return entry ? windowOf(entry) : undefined;
  } catch {
    return undefined;
  }
}

/** Every model `baseUrl/models` lists, with the window each declares (3 s at most); [] when it lists none or fails. */
export async function listModels(baseUrl: string, apiKey: string | undefined, signal?: AbortSignal): Promise<{ id: string; window?: number }[]> {
  const timeout = AbortSignal.timeout(3000);
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!res.ok) return [];
    const body = (await res.json()) as { data?: ModelEntry[] };
    const entries = Array.isArray(body.data) ? body.data : [];
    return entries.filter((e): e is ModelEntry & { id: string } => typeof e?.id === 'string' && e.id.length > 0 && e.id.length <= 256).map((e) => ({ id: e.id, window: windowOf(e) }));
  } catch {
    return [];
  }
}
