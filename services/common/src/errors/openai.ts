import type { AppError, ErrorCode } from './app-error';
import { HTTP_STATUS } from './http';

/** OpenAI's error object; all four keys are always present, null where they do not apply. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const TYPES: Record<ErrorCode, string> = {
  invalid_argument: 'invalid_request_error',
  unauthenticated: 'authentication_error',
  permission_denied: 'permission_error',
  not_found: 'invalid_request_error',
  already_exists: 'invalid_request_error',
  failed_precondition: 'invalid_request_error',
  resource_exhausted: 'rate_limit_error',
  unavailable: 'server_error',
  deadline_exceeded: 'server_error',
  internal: 'server_error',
};

/** Seconds for a Retry-After header: every 429 carries one, a second when nobody said how long. */
export function retryAfterSeconds(err: AppError): number | undefined {
  if (err.retryAfterMs === undefined && err.code !== 'resource_exhausted') return undefined;
  return Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000));
}

// Every deadline_exceeded (a provider, an MCP tool, an internal call) answers the same `code`, so
// a client can tell "too slow, try again later or ask for less" from a failure without
// knowing our reasons; the reason still travels in gRPC trailers and the logs.
const TIMEOUT_CODE = 'timeout';

/** The HTTP status and OpenAI error body for an AppError (STYLE.md §4's table, once). */
export function toOpenAiError(err: AppError, requestId?: string): { status: number; body: OpenAiErrorBody } {
  const message = err.code === 'internal' ? `internal error${requestId ? ` (request ${requestId})` : ''}` : err.message;
  const code = err.code === 'deadline_exceeded' ? TIMEOUT_CODE : (err.reason ?? null);
  return {
    status: err.reason === 'payload_too_large' ? 413 : HTTP_STATUS[err.code],
    body: { error: { message, type: TYPES[err.code], param: err.field ?? null, code } },
  };
}
