// The server's end of the JSON-RPC pipe, built here (not by createConnection) so a broken stream
// is seen: a framing error (bad or missing Content-Length, an undecodable body) leaves the reader
// out of step for good, so the server logs it and exits non-zero, and the client restarts it
// instead of talking to a server that will never answer again.
import {
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';

export interface Transport {
  reader: MessageReader;
  writer: MessageWriter;
}

/** `--stdio` or `--node-ipc` (what the CLI and the extension start); undefined for anything else. */
export function transportFromArgv(argv: string[]): Transport | undefined {
  if (argv.includes('--stdio')) return { reader: new StreamMessageReader(process.stdin), writer: new StreamMessageWriter(process.stdout) };
  if (argv.includes('--node-ipc')) return { reader: new IPCMessageReader(process), writer: new IPCMessageWriter(process) };
  return undefined;
}

/**
 * Exits the process on a read or write error (after `report` has logged it) and when the client
 * closes the stream (0 after `shutdown`, 1 otherwise, as vscode-languageserver does for streams).
 */
export function exitOnBrokenTransport(t: Transport, report: (message: string) => void, shutdownReceived: () => boolean): void {
  t.reader.onError((err) => {
    report(`JSON-RPC framing error from the client, exiting so it restarts the server: ${err.message}`);
    process.exit(2);
  });
  t.writer.onError(([err]) => {
    report(`cannot write to the client, exiting: ${err.message}`);
    process.exit(2);
  });
  t.reader.onClose(() => process.exit(shutdownReceived() ? 0 : 1));
}
