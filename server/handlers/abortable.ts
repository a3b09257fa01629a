// A request handler's AbortSignal: aborted when the client cancels the request ($/cancelRequest).
//
// A cancel that reaches the server before the request is dispatched gives the handler
// vscode-jsonrpc's CancellationToken.Cancelled, whose onCancellationRequested is Event.None: it
// never fires. So the token's state is read first, and the signal starts aborted.
import type { CancellationToken } from 'vscode-languageserver/node';

const cancelledByClient = () => new DOMException('cancelled by the client', 'AbortError');

/** A signal that aborts (with an AbortError) when `token` is or gets cancelled; `dispose` stops listening. */
export function tokenSignal(token: CancellationToken): { signal: AbortSignal; dispose(): void } {
  const ctl = new AbortController();
  if (token.isCancellationRequested) {
    ctl.abort(cancelledByClient());
    return { signal: ctl.signal, dispose: () => undefined };
  }
  const sub = token.onCancellationRequested(() => ctl.abort(cancelledByClient()));
  return { signal: ctl.signal, dispose: () => sub.dispose() };
}

/** Runs `fn` with the signal of `token`; stops listening when `fn` settles. */
export async function abortable<T>(token: CancellationToken, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { signal, dispose } = tokenSignal(token);
  try {
    return await fn(signal);
  } finally {
    dispose();
  }
}
