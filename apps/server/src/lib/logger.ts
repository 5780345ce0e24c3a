import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** Paths never written to a log, whatever level. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
  '*.apiKey',
];

/**
 * Routes whose path parameters are secrets (the token is what authenticates): their
 * parameters are replaced in every logged URL. Add a route here when a secret travels in a path.
 */
export const SECRET_ROUTES = ['/api/calendar/feed/:token.ics'];

const SECRET_ROUTE_PATTERNS = SECRET_ROUTES.map((route) => {
  const source = route
    .split(/(:\w+)/)
    .map((part) => (part.startsWith(':') ? '([^/]+?)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
});

/** A request path as it may be logged: without its query, secret path parameters replaced. */
export function loggablePath(url: string): string {
  const path = url.split('?')[0] ?? '';
  for (const pattern of SECRET_ROUTE_PATTERNS) {
    const match = pattern.exec(path);
    if (!match) continue;
    let out = '';
    let at = 0;
    for (let i = 1; i < match.length; i++) {
      const value = match[i]!;
      const start = path.indexOf(value, at);
      out += `${path.slice(at, start)}[redacted]`;
      at = start + value.length;
    }
    return out + path.slice(at);
  }
  return path;
}

type ErrorLike = Error & Record<string, unknown>;

const isObject = (v: unknown): v is ErrorLike => typeof v === 'object' && v !== null;
/** drizzle wraps a failed statement with its SQL and its parameters. */
const isWrappedQuery = (e: ErrorLike) => 'query' in e && 'params' in e;
/** node-postgres, Neon and PGlite errors carry a five-character SQLSTATE and a severity. */
const isDatabaseError = (e: ErrorLike) => typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && ('severity' in e || 'routine' in e);

/** "insert into users", "select from sessions": what a statement did, without its values. */
function statementName(query: unknown): string | undefined {
  if (typeof query !== 'string') return undefined;
  const verb = /^\s*(select|insert|update|delete|with|create|alter|drop|lock|begin|commit|rollback)\b/i.exec(query)?.[1]?.toLowerCase();
  const table = /\b(?:from|into|update|table)\s+"?([\w.]+)"?/i.exec(query)?.[1];
  return verb ? [verb, table].filter(Boolean).join(' ') : undefined;
}

/** A database message without the values some messages quote ('invalid input syntax for type uuid: "…"'). */
const shortMessage = (message: unknown) => (typeof message === 'string' ? message.split(/:\s*["'(]/)[0]!.slice(0, 200) : undefined);

/** Stack frames only: the first line of a stack repeats the message. */
const framesOf = (stack: unknown) => (typeof stack === 'string' ? stack.split('\n').filter((line) => /^\s+at /.test(line)).join('\n') : undefined);

/**
 * The `err` serializer of every logger: pino's, except that a database error is logged by
 * its statement, SQLSTATE and short message, never with its parameters or `detail`
 * (they held an email and a password hash).
 */
export function serializeError(value: unknown): unknown {
  if (typeof value === 'string') return value.split('\nparams:')[0];
  if (!isObject(value)) return value;
  // pino-http hands over pino's serialization of the error, the error itself in `raw`.
  const raw = (value as { raw?: unknown }).raw;
  const err = !(value instanceof Error) && isObject(raw) ? raw : value;
  const chain: ErrorLike[] = [];
  for (let e: unknown = err; isObject(e) && chain.length < 5; e = e.cause) chain.push(e);
  const wrapped = chain.find(isWrappedQuery);
  const database = chain.find(isDatabaseError);
  if (!wrapped && !database) return value === err ? pino.stdSerializers.err(err) : value;
  return {
    type: 'DatabaseError',
    message: shortMessage(database?.message) ?? 'database statement failed',
    ...(database ? { code: database.code } : {}),
    ...(statementName(wrapped?.query) ? { statement: statementName(wrapped?.query) } : {}),
    ...(typeof database?.constraint === 'string' ? { constraint: database.constraint } : {}),
    ...(typeof database?.table === 'string' ? { table: database.table } : {}),
    ...(typeof database?.column === 'string' ? { column: database.column } : {}),
    stack: framesOf(err.stack),
  };
}

/** The process logger; `destination` (default stdout) lets tests read what is logged. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    base: { service: 'lifeos' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
