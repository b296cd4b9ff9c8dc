/**
 * Structured JSON logs (pino). Request handlers log through req.log, a child carrying the
 * request id. Redaction keeps tokens and ID numbers out of every line.
 */
import pino, { Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.gmsfzh',
  '*.tyshxydm',
  '*.czztdm',
  '*.secret',
  '*.client_secret',
  '*.token',
  '*.access_token',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'dprs' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/**
 * What a log line says of a failure: its name and code only. Messages are left out: a
 * driver's can quote the SQL and the values in it (ID numbers among them).
 */
export function errorFields(err: unknown): { errName: unknown; errCode: unknown } {
  return { errName: (err as Error | undefined)?.name, errCode: (err as { code?: unknown } | undefined)?.code };
}
