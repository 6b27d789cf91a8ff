/**
 * @module
 * The single table from `AppErrorCode` to HTTP status, the error body every response uses,
 * and the translation of anything thrown (Fastify's own errors, schema validation failures,
 * AppErrors, plain exceptions) into one AppError. Client mistakes always map to 4xx.
 */
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, toAppError } from '@intersoc/core';
import type { AppErrorCode } from '@intersoc/core';

/** HTTP status for every error code. Exhaustive by type: a new code does not compile until it is mapped. */
export const HTTP_STATUS: Readonly<Record<AppErrorCode, number>> = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  PARSE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED: 415,
  EXPENSIVE_QUERY: 422,
  RATE_LIMITED: 429,
  CONFIG: 500,
  STORAGE: 500,
  INTERNAL: 500,
  BACKPRESSURE: 503,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
};

/** Codes whose response carries `Retry-After`. */
const RETRYABLE: ReadonlySet<AppErrorCode> = new Set(['RATE_LIMITED', 'BACKPRESSURE']);

/** Body of every error response. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('stable machine code (AppErrorCode)'),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error', description: 'Every error response has this shape.' });

/** The error body type. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** What the error handler sends: status, body and extra headers. */
export interface HttpError {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** The error as an AppError, for logging. */
  readonly error: AppError;
}

/** Fastify's own client errors, by the status it gives them. */
function codeForStatus(status: number): AppErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 408:
      return 'TIMEOUT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED';
    case 429:
      return 'RATE_LIMITED';
    default:
      return status >= 400 && status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  }
}

/** Turns anything thrown while serving a request into an AppError. */
export function toRequestError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const part = (err as { validationContext?: string }).validationContext ?? 'request';
    const issues = err.validation.map((v) => ({
      path: `${part}${v.instancePath.replaceAll('/', '.').replace(/\.$/, '')}`,
      message: v.message ?? 'invalid',
    }));
    const first = issues[0];
    const message = first ? `${first.path}: ${first.message}` : `invalid ${part}`;
    return new AppError('VALIDATION', issues.length > 1 ? `${message} (and ${issues.length - 1} more)` : message, {
      details: { issues },
    });
  }
  if (isResponseSerializationError(err)) {
    return new AppError('INTERNAL', 'response does not match its schema', { cause: err });
  }
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && err instanceof Error) {
    // Fastify's client errors (bad JSON, empty body, oversized body, media type) carry safe messages.
    const code = codeForStatus(status);
    return new AppError(code, err.message, { cause: err });
  }
  return toAppError(err);
}

/**
 * Builds the response for an error. Server-side failures (5xx other than back-pressure and
 * time-outs) get a generic message so internals do not leak; the log keeps the real one.
 */
export function toHttpError(err: unknown, requestId: string): HttpError {
  const error = toRequestError(err);
  const status = HTTP_STATUS[error.code];
  const headers: Record<string, string> = {};
  const hidden = status >= 500 && error.code !== 'BACKPRESSURE' && error.code !== 'TIMEOUT';
  const message = hidden ? `internal error (request ${requestId}); see the node log` : error.message;
  const body: ErrorBody = {
    error:
      hidden || error.details === undefined
        ? { code: error.code, message }
        : { code: error.code, message, details: { ...error.details } },
  };
  if (RETRYABLE.has(error.code)) {
    const after = Number(error.details?.['retryAfterSeconds']);
    headers['retry-after'] = String(Number.isFinite(after) && after > 0 ? Math.ceil(after) : 1);
  }
  if (error.code === 'UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="intersoc"';
  return { status, body, headers, error };
}
