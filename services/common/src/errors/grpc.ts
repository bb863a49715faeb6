import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { TurnError } from '../gen/cliver/v1/agent';
import { AppError, isErrorCode, type ErrorCode } from './app-error';

// One table, both directions: AppError → gRPC status on the server, status → AppError on the client.
const TO_GRPC: Record<ErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  permission_denied: GrpcStatus.PERMISSION_DENIED,
  not_found: GrpcStatus.NOT_FOUND,
  already_exists: GrpcStatus.ALREADY_EXISTS,
  failed_precondition: GrpcStatus.FAILED_PRECONDITION,
  resource_exhausted: GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  deadline_exceeded: GrpcStatus.DEADLINE_EXCEEDED,
  internal: GrpcStatus.INTERNAL,
};

const FROM_GRPC = new Map<number, ErrorCode>(
  Object.entries(TO_GRPC).map(([code, grpc]) => [grpc, code as ErrorCode]),
);

const CODE_KEY = 'cliver-code';
const REASON_KEY = 'cliver-reason';
const FIELD_KEY = 'cliver-field';
const RETRY_KEY = 'cliver-retry-after-ms';

/** Builds the error a grpc-js handler passes to its callback. Internal causes never leave. */
export function toGrpcError(err: AppError): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(CODE_KEY, err.code);
  if (err.reason) metadata.set(REASON_KEY, err.reason);
  if (err.field) metadata.set(FIELD_KEY, err.field);
  if (err.retryAfterMs !== undefined) metadata.set(RETRY_KEY, String(err.retryAfterMs));
  return { code: TO_GRPC[err.code], details: err.message, metadata };
}

function firstString(md: Metadata | undefined, key: string): string | undefined {
  const value = md?.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

/** Rebuilds the server's AppError from a failed call; transport failures become `unavailable`. */
export function fromGrpcError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as Partial<ServiceError>;
  if (typeof e?.code !== 'number') return AppError.from(err);
  const sent = firstString(e.metadata, CODE_KEY);
  const code: ErrorCode = sent && isErrorCode(sent) ? sent : (FROM_GRPC.get(e.code) ?? 'internal');
  const retry = firstString(e.metadata, RETRY_KEY);
  if (!sent) {
    // No code from our server: the call never reached a handler. Say what happened in our words;
    // the library's text (addresses, resolver notes) stays in `cause` for the log.
    if (e.code === GrpcStatus.UNAVAILABLE) {
      return new AppError('unavailable', 'the service did not answer (it is down or restarting)', { reason: 'service_unreachable', cause: err });
    }
    if (e.code === GrpcStatus.CANCELLED) {
      // Cut without a status of ours: the caller cancelled, or the server was stopped mid-call.
      return new AppError('unavailable', 'the call was cut before it finished (the service stopped, or the caller cancelled)', { reason: 'service_unreachable', cause: err });
    }
    if (e.code === GrpcStatus.RESOURCE_EXHAUSTED && /larger than max/i.test(e.details ?? '')) {
      return new AppError('invalid_argument', 'the request is too large to pass on', { reason: 'payload_too_large', cause: err });
    }
  }
  return new AppError(code, e.details || e.message || 'gRPC call failed', {
    reason: firstString(e.metadata, REASON_KEY),
    field: firstString(e.metadata, FIELD_KEY),
    retryAfterMs: retry === undefined ? undefined : Number(retry),
    cause: err,
  });
}

/** A failed turn on a multiplexed chat call: the same fields Chat sends as status and trailers. */
export function toTurnError(err: AppError): TurnError {
  return { code: err.code, message: err.message, reason: err.reason ?? '', field: err.field ?? '', retryAfterMs: err.retryAfterMs };
}

export function fromTurnError(e: TurnError): AppError {
  return new AppError(isErrorCode(e.code) ? e.code : 'internal', e.message || 'the turn failed', {
    reason: e.reason || undefined,
    field: e.field || undefined,
    retryAfterMs: e.retryAfterMs,
  });
}
