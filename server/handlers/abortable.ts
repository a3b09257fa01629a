// A request handler's AbortSignal: aborted when the client cancels the request ($/cancelRequest).
import type { CancellationToken } from 'vscode-languageserver/node';

/** Runs `fn` with a signal that aborts when `token` is cancelled; stops listening when `fn` settles. */
export async function abortable<T>(token: CancellationToken, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const sub = token.onCancellationRequested(() => ctl.abort());
  try {
    return await fn(ctl.signal);
  } finally {
    sub.dispose();
  }
}
