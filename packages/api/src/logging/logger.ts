/**
 * @module
 * The node's structured logger (pino) with redaction: credentials never reach the log, even
 * when a future log line passes a whole request, header set or body by mistake.
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

/**
 * Paths pino censors. Fastify's request serializer logs method, URL and address only; these
 * cover headers, cookies and bodies should anyone log them.
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
  'body.password',
  'req.body.password',
];

/** Options of `createLogger`. */
export interface LoggerOptions {
  readonly level?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where lines go; standard output when omitted. */
  readonly destination?: DestinationStream;
}

/**
 * A pino logger with INTERSOC's redaction and error serializer, usable as Fastify's
 * `loggerInstance` (pass it to `buildApi` as `logger`).
 *
 * @example
 * const logger = createLogger({ level: config.log.level });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const opts = {
    level: options.level ?? 'info',
    redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}
