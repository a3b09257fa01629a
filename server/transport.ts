// The server's end of the JSON-RPC pipe, built here (not by createConnection) so a broken stream
// is seen: a framing error (bad or missing Content-Length, an undecodable body) leaves the reader
// out of step for good, so the server logs it and exits non-zero, and the client restarts it
// instead of talking to a server that will never answer again.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
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

/** Largest message body accepted (a run with several base64 screenshots fits easily). */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

export class FramingError extends Error {
  override name = 'FramingError';
}

/**
 * Passes the byte stream through unchanged while following its frames, and fails it on a header
 * the base protocol does not allow: no `Content-Length`, one that is not a plain decimal, or one
 * past MAX_MESSAGE_BYTES (which would otherwise swallow every later request while "waiting" for
 * the body). vscode-jsonrpc's reader catches the first two only later and the last one never.
 */
export class FramingGuard extends Transform {
  private header = Buffer.alloc(0);
  private bodyLeft = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= n;
        offset += n;
        continue;
      }
      // In a header: find its end (it may straddle chunks).
      const before = this.header.length;
      this.header = Buffer.concat([this.header, chunk.subarray(offset)]);
      const end = this.header.indexOf(HEADER_END);
      if (end < 0) {
        if (this.header.length > MAX_HEADER_BYTES) return done(new FramingError(`a message header longer than ${MAX_HEADER_BYTES} bytes`));
        offset = chunk.length;
        break;
      }
      const length = contentLength(this.header.subarray(0, end).toString('ascii'));
      if (typeof length === 'string') return done(new FramingError(length));
      offset += end + HEADER_END.length - before;
      this.header = Buffer.alloc(0);
      this.bodyLeft = length;
    }
    done(null, chunk);
  }
}

/** The Content-Length of a header block, or what is wrong with it. */
function contentLength(header: string): number | string {
  const line = header.split('\r\n').find((l) => /^content-length\s*:/i.test(l));
  if (!line) return `a message header without Content-Length: ${JSON.stringify(header.slice(0, 200))}`;
  const value = line.slice(line.indexOf(':') + 1).trim();
  if (!/^\d{1,12}$/.test(value)) return `Content-Length is not a number of bytes: ${JSON.stringify(value.slice(0, 50))}`;
  const n = Number(value);
  if (n > MAX_MESSAGE_BYTES) return `Content-Length ${n} is over the ${MAX_MESSAGE_BYTES}-byte limit`;
  return n;
}

/** stdin through a FramingGuard. */
function guarded(input: Readable): Readable {
  const guard = new FramingGuard();
  input.on('error', (err) => guard.destroy(err));
  return input.pipe(guard);
}

/** `--stdio` or `--node-ipc` (what the CLI and the extension start); undefined for anything else. */
export function transportFromArgv(argv: string[]): Transport | undefined {
  if (argv.includes('--stdio')) return { reader: new StreamMessageReader(guarded(process.stdin)), writer: new StreamMessageWriter(process.stdout) };
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
