// One leveled logger per process (DESIGN.md §5.8). The server never writes to stdout itself:
// the sink is the JSON-RPC connection's window/logMessage (or stderr before it exists).
export type Level = 'error' | 'warn' | 'info' | 'debug';
const ORDER: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export type Sink = (level: Level, line: string) => void;

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  /** Whether prompt bodies and similar may be logged unredacted. */
  readonly verbose: boolean;
}

const SECRET = /(sk-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._-]+)/g;

/** Removes anything that looks like an API key from a log line. */
export function redact(text: string): string {
  return text.replace(SECRET, '[redacted]');
}

export function createLogger(getLevel: () => Level, sink: Sink, scope = ''): Logger {
  const emit = (level: Level, msg: string) => {
    if (ORDER[level] > ORDER[getLevel()]) return;
    sink(level, redact(scope ? `[${scope}] ${msg}` : msg));
  };
  return {
    error: (m) => emit('error', m),
    warn: (m) => emit('warn', m),
    info: (m) => emit('info', m),
    debug: (m) => emit('debug', m),
    get verbose() {
      return getLevel() === 'debug';
    },
  };
}

export const stderrSink: Sink = (level, line) => process.stderr.write(`${level}: ${line}\n`);
