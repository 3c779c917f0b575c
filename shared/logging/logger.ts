/**
 * Structured operational logs: one JSON line per event, fields by allow-list.
 *
 * > [!WARNING]
 * > Only the fields named in `LOG_FIELDS` are written; anything else passed in is dropped, so a
 * > body, header, token, prompt or decrypted value cannot reach the log by accident.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_FIELDS = [
  'invocationId',
  'correlationId',
  'function',
  'principalId',
  'clientAddress',
  'resource',
  'route',
  'method',
  'status',
  'durationMs',
  'code',
  'reason',
  'count',
  'batch',
  'keyVersion',
  'url',
  'port',
  'store',
  'attempt',
  'queue',
  'messageId',
  'schedule',
  'version',
  'errorName',
] as const;
export type LogField = (typeof LOG_FIELDS)[number];
export type LogFields = Partial<Record<LogField, string | number | boolean | undefined>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel | 'silent', number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};
const ALLOWED = new Set<string>(LOG_FIELDS);

/** Strips the query string and fragment from a URL before it is logged. */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

function pick(fields: LogFields | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (fields === undefined) return out;
  for (const [key, value] of Object.entries(fields)) {
    if (!ALLOWED.has(key) || value === undefined) continue;
    out[key] = key === 'url' && typeof value === 'string' ? redactUrl(value) : value;
  }
  return out;
}

export type LogWriter = (line: string, level: LogLevel) => void;

const defaultWriter: LogWriter = (line, level) => {
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
};

/** Creates a logger that writes at `minLevel` and above through `write`. */
export function createLogger(
  minLevel: LogLevel | 'silent' = 'info',
  write: LogWriter = defaultWriter,
): Logger {
  const emit = (level: LogLevel, event: string, fields?: LogFields): void => {
    if (RANK[level] < RANK[minLevel]) return;
    const record = { time: new Date().toISOString(), level, event, ...pick(fields) };
    write(JSON.stringify(record), level);
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}
