/**
 * @module
 * One error type for the whole platform. `code` is a closed union so the API can map
 * every code to an HTTP status in a single table and clients can switch on it.
 */

/** Every machine-readable error code INTERSOC can raise. */
export type AppErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'EXPENSIVE_QUERY'
  | 'BACKPRESSURE'
  | 'PARSE'
  | 'UNSUPPORTED'
  | 'CONFIG'
  | 'STORAGE'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** Codes and a one-line meaning, handy for docs and the CLI. */
export const APP_ERROR_CODES: Readonly<Record<AppErrorCode, string>> = {
  BAD_REQUEST: 'the request is malformed',
  VALIDATION: 'the input does not match its schema',
  UNAUTHENTICATED: 'no valid credentials were presented',
  FORBIDDEN: 'the caller lacks the role or tenant for this',
  NOT_FOUND: 'no such object for this caller',
  CONFLICT: 'the object already exists or changed meanwhile',
  PAYLOAD_TOO_LARGE: 'the body or record exceeds a limit',
  RATE_LIMITED: 'too many requests',
  EXPENSIVE_QUERY: 'the query exceeds a search limit; narrow it (details name the limit)',
  BACKPRESSURE: 'the pipeline is full; retry later',
  PARSE: 'the input could not be parsed',
  UNSUPPORTED: 'the input uses a feature that is not supported',
  CONFIG: 'the configuration is invalid',
  STORAGE: 'the store failed',
  TIMEOUT: 'the operation took too long',
  UNAVAILABLE: 'the node cannot do this now (a stage failed); see /api/health',
  INTERNAL: 'an unexpected internal error',
};

/** Error with a stable machine code, a human message and an optional cause and details. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: AppErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** Turns anything thrown into an AppError; unknown errors become INTERNAL and keep the original as cause. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof Error) return new AppError('INTERNAL', err.message, { cause: err });
  return new AppError('INTERNAL', String(err));
}

/** True when `err` is an AppError with the given code. */
export function isAppError(err: unknown, code?: AppErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
