// The run's event stream to the client. Text and thinking deltas that arrive within one turn of
// the event loop are merged into one notification: under a fast stream this cuts JSON-RPC
// messages by orders of magnitude, and at model speed it adds no delay (nothing to merge).
import type { Connection } from 'vscode-languageserver/node';
import { EventNotification, type SwarmEvent } from './protocol';

type Delta = Extract<SwarmEvent, { type: 'text_delta' | 'reasoning_delta' }>;

export function createEventSink(connection: Pick<Connection, 'sendNotification'>, runId: string): (event: SwarmEvent) => void {
  let pending: Delta | undefined;
  let scheduled = false;
  const send = (event: SwarmEvent) => connection.sendNotification(EventNotification, { runId, event });
  const flush = () => {
    scheduled = false;
    if (pending) send(pending);
    pending = undefined;
  };
  return (event) => {
    if (event.type === 'text_delta' || event.type === 'reasoning_delta') {
      if (pending && pending.type === event.type && pending.agentId === event.agentId) {
        pending = { ...pending, text: pending.text + event.text };
        return;
      }
      flush();
      pending = { ...event };
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      return;
    }
    flush();
    send(event);
  };
}
