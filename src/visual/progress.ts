// Fan-out of `swarm/visualProgress`. LanguageClient.onNotification keeps one handler per method
// (a second registration replaces the first, and disposing either removes it), so the visual
// feature registers exactly one handler and every consumer (the preview panel, the progress
// notification) subscribes here, by runId. No `vscode` import: unit-testable in plain Node.
import type { VisualProgressParams } from '../../server/protocol';

export type ProgressListener = (params: VisualProgressParams) => void;

export class VisualProgressRouter {
  private readonly listeners = new Map<string, Set<ProgressListener>>();

  /** Calls `listener` for every progress notification of `runId` until the returned dispose. */
  subscribe(runId: string, listener: ProgressListener): { dispose(): void } {
    let set = this.listeners.get(runId);
    if (!set) this.listeners.set(runId, (set = new Set()));
    set.add(listener);
    return {
      dispose: () => {
        const s = this.listeners.get(runId);
        if (!s) return;
        s.delete(listener);
        if (s.size === 0) this.listeners.delete(runId);
      },
    };
  }

  /** The one notification handler: delivers to every listener of the notification's run. A throwing listener does not starve the others. */
  dispatch(params: VisualProgressParams): void {
    const set = this.listeners.get(params.runId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(params);
      } catch {
        /* one consumer's fault is not another's */
      }
    }
  }

  /** Runs with at least one listener (for tests and diagnostics). */
  get runs(): string[] {
    return [...this.listeners.keys()];
  }
}
