/**
 * The closed set of error codes used inside every service. Each boundary maps them once:
 * gRPC status (errors/grpc.ts), HTTP status (errors/http.ts).
 */
export const ERROR_CODES = [
  'invalid_argument',
  'unauthenticated',
  'permission_denied',
  'not_found',
  'already_exists',
  'failed_precondition',
  'resource_exhausted',
  'unavailable',
  'deadline_exceeded',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorOptions {
  /** Stable snake_case string for machines, e.g. `lease_held`. */
  reason?: string;
  /** Path of the input field at fault, e.g. `messages[2].content`. */
  field?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The one error type services throw; anything else becomes `internal` via `AppError.from`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly reason?: string;
  readonly field?: string;
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.reason = options.reason;
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Keeps an AppError as it is; wraps anything else as `internal` with the original as cause. */
  static from(err: unknown): AppError {
    if (err instanceof AppError) return err;
    return new AppError('internal', 'internal error', { cause: err });
  }
}

export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}
