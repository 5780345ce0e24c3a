import { pino, type Logger as PinoLogger } from 'pino';

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

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'lifeos' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
